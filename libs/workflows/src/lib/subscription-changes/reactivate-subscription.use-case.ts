import { Injectable } from '@nestjs/common';
import { UpstreamError } from '@aia/platform';
import { ZohoSubscriptionsService } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';

/**
 * `subscription_status` set to `reactivate_requested` → the Zoho subscription is reactivated (a scheduled
 * cancellation undone, or a cancelled one started again as Zoho does it) and the record shows `active`.
 */
@Injectable()
export class ReactivateSubscriptionUseCase {
  constructor(
    private readonly records: CustomerRecordsService,
    private readonly subscriptions: ZohoSubscriptionsService,
  ) {}

  async execute(record: CustomerRecord): Promise<void> {
    if (!record.zohoSubscriptionId) {
      await this.records.note(
        record.recordId,
        'Reactivation not applied',
        'The record has no Zoho subscription to reactivate.',
      );
      return;
    }
    const subscription = await this.subscriptions.get(record.zohoSubscriptionId);
    const live = ['live', 'trial', 'future'].includes(subscription.status);
    if (!live) {
      try {
        await this.subscriptions.reactivate(subscription.subscription_id);
      } catch (err) {
        if (!(err instanceof UpstreamError && !err.temporary)) throw err;
        await this.records.note(
          record.recordId,
          'Reactivation not applied',
          `Zoho refused to reactivate: ${err.message}.`,
        );
        return;
      }
    }
    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.subscriptionStatus]: SubscriptionStatus.Active,
    });
    if (!live) {
      await this.records.note(
        record.recordId,
        'Subscription reactivated',
        `Zoho subscription ${subscription.subscription_id} is live again.`,
      );
    }
  }
}
