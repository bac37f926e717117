import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CheckoutSummary } from '@aia/contracts';
import { BraintreePaymentMethodsService } from '@aia/braintree';
import { JOB_QUEUE, KEYED_LOCK } from '@aia/events';
import type { JobQueue, KeyedLock } from '@aia/events';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { cardTokenFor } from '../checkout-links/checkout-ids';
import type { CheckoutSessionClaims } from '../checkout-links/checkout-links.port';
import { CUSTOMER_ATTRIBUTE } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { cardRefused, sessionCompleted, sessionNotFound } from './checkout-errors';
import { checkoutSummary } from './checkout-state';
import { withCompletionLock } from './completion-lock';
import { requireLiabilityShift } from './three-d-secure-check';

/** Job the invoice-payment workflow consumes: settle the customer's open invoices with the new card. */
export const CARD_UPDATED_JOB = 'workflow.card-updated';

export interface CardUpdatedJobData {
  recordId: string;
  braintreeCustomerId: string;
  zohoCustomerId?: string;
  paymentMethodToken: string;
}

export interface UpdateCardCommand {
  claims: CheckoutSessionClaims;
  nonce: string;
}

/**
 * Checkout completion in update_card mode (payment recovery's link): with CHECKOUT_3DS=required the nonce's
 * 3-D Secure liability shift is checked first (three-d-secure-check.ts); the new card is verified and vaulted as
 * the default under the session's own token, so a repeat of the same session finds it; then a
 * CARD_UPDATED_JOB (deduplicated by that token) lets the invoice-payment workflow settle open invoices at once.
 */
@Injectable()
export class CardUpdateUseCase {
  private readonly logger = new Logger(CardUpdateUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly paymentMethods: BraintreePaymentMethodsService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(KEYED_LOCK) private readonly lock: KeyedLock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute(command: UpdateCardCommand): Promise<CheckoutSummary> {
    return withCompletionLock(
      this.lock,
      command.claims.recordId,
      'Your card is still being saved. Please wait a moment and reload the page.',
      () => this.run(command),
    );
  }

  private async run({ claims, nonce }: UpdateCardCommand): Promise<CheckoutSummary> {
    const record = await this.records.get(claims.recordId);
    const customerId = record.braintreeCustomerId;
    if (!customerId) throw sessionNotFound();
    const token = cardTokenFor(claims.sessionId);
    const earlier = await this.paymentMethods.find(token);
    if (earlier) {
      throw sessionCompleted(
        checkoutSummary({
          mode: 'update_card',
          record,
          card: { type: earlier.cardType, last4: earlier.last4 },
        }),
      );
    }
    // CHECKOUT_3DS=required: a nonce without a 3-D Secure liability shift is refused before it is vaulted.
    await requireLiabilityShift(this.config, this.paymentMethods, nonce);
    const added = await this.paymentMethods.create({
      customerId,
      paymentMethodNonce: nonce,
      verifyCard: true,
      makeDefault: true,
      token,
    });
    if (added.outcome !== 'approved') throw cardRefused(added);
    const card = added.value;

    const data: CardUpdatedJobData = {
      recordId: record.recordId,
      braintreeCustomerId: customerId,
      zohoCustomerId: record.zohoCustomerId,
      paymentMethodToken: card.token,
    };
    await this.queue.enqueue(CARD_UPDATED_JOB, data, {
      id: `card-updated:${card.token}`,
      key: `attio-record:${record.recordId}`,
    });
    await this.records.update(record.recordId, { [CUSTOMER_ATTRIBUTE.checkoutLink]: null });
    await this.records.note(
      record.recordId,
      'Card updated',
      `The customer saved a new card (${card.cardType} ending ${card.last4}); it is now the default. Open invoices are charged to it now.`,
    );
    this.logger.log(`card updated for record ${record.recordId}`);
    return checkoutSummary({
      mode: 'update_card',
      record,
      card: { type: card.cardType, last4: card.last4 },
      subscriptionStatus: record.subscriptionStatus,
    });
  }
}
