import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import { parseZohoWebhook } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';

const ENDED = ['subscription_cancelled', 'subscription_expired'] as const;

/** A subscription that ended in Zoho (cancelled there, or expired) shows as cancelled on the Attio record. */
@Injectable()
@OnEvent('zoho', [...ENDED])
export class ZohoSubscriptionEventsHandler implements StoredEventHandler {
  private readonly logger = new Logger(ZohoSubscriptionEventsHandler.name);

  constructor(private readonly records: CustomerRecordsService) {}

  async handle(event: StoredEvent): Promise<void> {
    const { eventType, subscription } = parseZohoWebhook(event.payload, ENDED);
    const record = await this.records.findByZohoCustomerId(subscription.customerId);
    if (!record) {
      this.logger.log(
        `${eventType} for Zoho customer ${subscription.customerId}: no Attio record, nothing to update`,
      );
      return;
    }
    // Only the subscription the record follows: an old one ending must not mark a live customer cancelled.
    if (record.zohoSubscriptionId && record.zohoSubscriptionId !== subscription.subscriptionId) return;
    if (record.subscriptionStatus !== SubscriptionStatus.Cancelled) {
      await this.records.update(record.recordId, {
        [CUSTOMER_ATTRIBUTE.subscriptionStatus]: SubscriptionStatus.Cancelled,
      });
    }
    await this.records.note(
      record.recordId,
      `Subscription ${eventType === 'subscription_expired' ? 'expired' : 'cancelled'}`,
      `Zoho subscription ${subscription.subscriptionId}${subscription.planCode ? ` (${subscription.planCode})` : ''} is ${subscription.status}.`,
    );
  }
}
