import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CheckoutMode } from '@aia/contracts';
import { DomainError, ErrorCode, UpstreamError } from '@aia/platform';
import { ZohoPlansService } from '@aia/zoho';
import { CHECKOUT_LINKS } from '../checkout-links/checkout-links.port';
import type { CheckoutLinks, IssuedCheckoutLink } from '../checkout-links/checkout-links.port';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';

export interface SendCheckoutLinkCommand {
  recordId: string;
  mode: CheckoutMode;
  /** Zoho plan code; subscribe mode only (default: the record's `subscription_plan`). */
  planCode?: string;
}

/**
 * Issues a signed checkout link and writes it onto the Attio record, where Attio's own automation e-mails
 * it. Subscribe mode also moves `subscription_status` to `checkout_sent`, which is what stops the trigger
 * from firing again (our own write is not `send_checkout`). Safe to repeat: a second run issues another
 * valid link for the same customer and plan, and completion is idempotent per record.
 */
@Injectable()
export class SendCheckoutLinkUseCase {
  private readonly logger = new Logger(SendCheckoutLinkUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly plans: ZohoPlansService,
    @Inject(CHECKOUT_LINKS) private readonly links: CheckoutLinks,
  ) {}

  async execute(command: SendCheckoutLinkCommand): Promise<IssuedCheckoutLink> {
    const record = await this.records.get(command.recordId);
    let planCode: string | undefined;
    if (command.mode === 'subscribe') {
      planCode = command.planCode ?? record.subscriptionPlan;
      if (!planCode) {
        throw new DomainError(
          ErrorCode.ValidationFailed,
          `record ${record.recordId} has no ${CUSTOMER_ATTRIBUTE.subscriptionPlan}: set the plan, then ask for the checkout again`,
        );
      }
      await this.assertPlanExists(planCode);
    } else if (!record.braintreeCustomerId) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `record ${record.recordId} has no ${CUSTOMER_ATTRIBUTE.braintreeCustomerId}: a card can only be updated after a first checkout`,
      );
    }
    const link = await this.links.issue({ recordId: record.recordId, mode: command.mode, planCode });
    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.checkoutLink]: link.url,
      ...(command.mode === 'subscribe'
        ? { [CUSTOMER_ATTRIBUTE.subscriptionStatus]: SubscriptionStatus.CheckoutSent }
        : {}),
    });
    const expires = link.expiresAt.toISOString().slice(0, 10);
    await this.records.note(
      record.recordId,
      command.mode === 'subscribe' ? 'Checkout link sent' : 'Card update link sent',
      command.mode === 'subscribe'
        ? `A checkout link for plan ${planCode} was written to ${CUSTOMER_ATTRIBUTE.checkoutLink}. It expires on ${expires}.`
        : `A link to update the card on file was written to ${CUSTOMER_ATTRIBUTE.checkoutLink}. It expires on ${expires}.`,
    );
    this.logger.log(`checkout link (${command.mode}) written to record ${record.recordId}`);
    return link;
  }

  private async assertPlanExists(planCode: string): Promise<void> {
    try {
      await this.plans.get(planCode);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'not_found') {
        throw new DomainError(ErrorCode.ValidationFailed, `Zoho has no plan with code "${planCode}"`, {
          planCode,
        });
      }
      throw err;
    }
  }
}
