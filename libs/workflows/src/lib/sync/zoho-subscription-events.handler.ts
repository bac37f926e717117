import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import { parseZohoWebhook, ZohoSubscriptionsService } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { recordStatusOf } from '../subscription-changes/cancel-subscription.use-case';

const EVENTS = [
  'subscription_cancelled',
  'subscription_expired',
  'subscription_cancellation_scheduled',
  'subscription_reactivated',
] as const;

const REQUESTS = new Set<string>([
  SubscriptionStatus.SendCheckout,
  SubscriptionStatus.CancelRequested,
  SubscriptionStatus.ReactivateRequested,
]);

const TITLES: Record<(typeof EVENTS)[number], string> = {
  subscription_cancelled: 'Subscription cancelled',
  subscription_expired: 'Subscription expired',
  subscription_cancellation_scheduled: 'Cancellation scheduled',
  subscription_reactivated: 'Subscription reactivated',
};

/**
 * The record's `subscription_status` follows Zoho: `cancelling` while a cancellation is scheduled,
 * `cancelled` when it ended (cancelled there, or expired), `active` after a reactivation — whether the change
 * was asked for in Attio or made in Zoho by hand. A status already shown is not written again.
 */
@Injectable()
@OnEvent('zoho', [...EVENTS])
export class ZohoSubscriptionEventsHandler implements StoredEventHandler {
  private readonly logger = new Logger(ZohoSubscriptionEventsHandler.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly subscriptions: ZohoSubscriptionsService,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const { eventType, subscription } = parseZohoWebhook(event.payload, EVENTS);
    const record = await this.records.findByZohoCustomerId(subscription.customerId);
    if (!record) {
      this.logger.log(
        `${eventType} for Zoho customer ${subscription.customerId}: no Attio record, nothing to update`,
      );
      return;
    }
    // Only the subscription the record follows: an old one ending must not mark a live customer cancelled.
    if (record.zohoSubscriptionId && record.zohoSubscriptionId !== subscription.subscriptionId) return;
    // Webhooks arrive late and out of order (a cancellation scheduled, then undone before its webhook came):
    // the status shown is Zoho's status now, not the one the event carried.
    // A request a person just made on the record (cancel, reactivate, send a checkout) is not overwritten:
    // its own processing writes the outcome.
    if (REQUESTS.has(record.subscriptionStatus ?? '')) return;
    const status = recordStatusOf((await this.subscriptions.get(subscription.subscriptionId)).status);
    if (!status || record.subscriptionStatus === status) return;
    await this.records.update(record.recordId, { [CUSTOMER_ATTRIBUTE.subscriptionStatus]: status });
    await this.records.note(
      record.recordId,
      TITLES[eventType],
      `Zoho subscription ${subscription.subscriptionId}${subscription.planCode ? ` (${subscription.planCode})` : ''} is now ${status}.`,
    );
  }
}
