import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseAttioWebhook } from '@aia/attio';
import type { AttioWebhookEvent } from '@aia/attio';
import { OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import { APP_CONFIG, DomainError, ErrorCode, UpstreamError } from '@aia/platform';
import type { AppConfig, VerifiedWebhook } from '@aia/platform';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from './customer-record/customer-attributes';
import type { CustomerRecord } from './customer-record/customer-record';
import { CustomerRecordsService } from './customer-record/customer-records.service';
import { CancelSubscriptionUseCase } from './subscription-changes/cancel-subscription.use-case';
import { CustomerDetailsSyncUseCase } from './subscription-changes/customer-details-sync.use-case';
import { PlanChangeUseCase } from './subscription-changes/plan-change.use-case';
import { ReactivateSubscriptionUseCase } from './subscription-changes/reactivate-subscription.use-case';
import { SendCheckoutLinkUseCase } from './use-cases/send-checkout-link.use-case';

const RECORD_EVENTS = ['record.created', 'record.updated'];

type Role = 'status' | 'plan' | 'details';

/** Events of one delivery that concern a single record run under that record's key, one at a time. */
function recordKey(webhook: VerifiedWebhook): string | undefined {
  try {
    const ids = new Set(parseAttioWebhook(webhook.payload).events.map((e) => e.recordId));
    const [only] = ids;
    return ids.size === 1 && only ? `attio-record:${only}` : undefined;
  } catch {
    return undefined; // the handler reports the malformed payload
  }
}

/**
 * Everything a salesperson drives from Attio, one record event at a time (Attio may batch several into one
 * delivery; each is handled):
 * - `subscription_status` (CHECKOUT_TRIGGER_ATTRIBUTE) = `send_checkout` → a checkout link; `cancel_requested`
 *   → cancel in Zoho; `reactivate_requested` → reactivate;
 * - `subscription_plan` → plan change; the billing name / e-mail attributes → Zoho and Braintree customers.
 * Each use case reads the record as it is now and compares with Zoho/Braintree first, so repeats and quick
 * successive edits converge on the last value. Loop-safe: the service never writes a `*_requested` or
 * `send_checkout` status, nor the plan or billing attributes, so events caused by its own writes change nothing.
 */
@Injectable()
@OnEvent('attio', RECORD_EVENTS, { key: recordKey })
export class AttioRecordEventsHandler implements StoredEventHandler {
  private readonly logger = new Logger(AttioRecordEventsHandler.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly sendLink: SendCheckoutLinkUseCase,
    private readonly planChange: PlanChangeUseCase,
    private readonly cancel: CancelSubscriptionUseCase,
    private readonly reactivate: ReactivateSubscriptionUseCase,
    private readonly details: CustomerDetailsSyncUseCase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const delivery = parseAttioWebhook(event.payload);
    for (const e of delivery.events) await this.handleOne(e);
  }

  private async handleOne(e: AttioWebhookEvent): Promise<void> {
    if (!RECORD_EVENTS.includes(e.eventType) || !e.recordId) return;
    // An update of an attribute nobody here watches (our own id writes, other edits) needs no read at all.
    const role = e.attributeId ? await this.roleOf(e.attributeId) : undefined;
    if (e.attributeId && !role) return;
    const record = await this.readRecord(e.recordId);
    if (!record) return;
    if (!role || role === 'status') await this.onStatus(record);
    if (role === 'plan') await this.planChange.execute(record);
    if (role === 'details') await this.details.execute(record);
  }

  private async onStatus(record: CustomerRecord): Promise<void> {
    if (record.trigger === this.config.checkout.triggerValue) return this.sendCheckout(record);
    if (record.subscriptionStatus === SubscriptionStatus.CancelRequested) return this.cancel.execute(record);
    if (record.subscriptionStatus === SubscriptionStatus.ReactivateRequested)
      return this.reactivate.execute(record);
  }

  private async sendCheckout(record: CustomerRecord): Promise<void> {
    try {
      await this.sendLink.execute({ recordId: record.recordId, mode: 'subscribe' });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCode.ValidationFailed) throw err;
      // Something a person must fix on the record (no plan, unknown plan): say so there, don't retry.
      this.logger.warn(`checkout not sent for record ${record.recordId}: ${err.message}`);
      await this.records.note(record.recordId, 'Checkout link not sent', `${err.message}.`);
    }
  }

  private async roleOf(attributeId: string): Promise<Role | undefined> {
    const { checkout, subscriptions } = this.config;
    const ids = await Promise.all([
      this.records.attributeId(checkout.triggerAttribute),
      this.records.attributeId(CUSTOMER_ATTRIBUTE.subscriptionStatus),
      this.records.attributeId(CUSTOMER_ATTRIBUTE.subscriptionPlan),
      this.records.attributeId(subscriptions.billingNameAttribute),
      this.records.attributeId(subscriptions.billingEmailAttribute),
    ]);
    if (attributeId === ids[0] || attributeId === ids[1]) return 'status';
    if (attributeId === ids[2]) return 'plan';
    if (attributeId === ids[3] || attributeId === ids[4]) return 'details';
    return undefined;
  }

  /** A record of another object, or one deleted since, is not ours to act on. */
  private async readRecord(recordId: string): Promise<CustomerRecord | undefined> {
    try {
      return await this.records.get(recordId);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }
}
