import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, UpstreamError } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoSubscriptionsService } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';

/** Zoho's status → what the record shows. */
export function recordStatusOf(zohoStatus: string): SubscriptionStatus | undefined {
  if (zohoStatus === 'non_renewing') return SubscriptionStatus.Cancelling;
  if (zohoStatus === 'cancelled' || zohoStatus === 'expired') return SubscriptionStatus.Cancelled;
  if (['live', 'trial', 'future'].includes(zohoStatus)) return SubscriptionStatus.Active;
  return undefined;
}

/**
 * `subscription_status` set to `cancel_requested` → the Zoho subscription is cancelled at the end of the term
 * (CANCEL_AT) and the record shows `cancelling` or `cancelled` as Zoho reports it. A repeat finds the
 * subscription already cancelled and only re-writes the status.
 */
@Injectable()
export class CancelSubscriptionUseCase {
  constructor(
    private readonly records: CustomerRecordsService,
    private readonly subscriptions: ZohoSubscriptionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(record: CustomerRecord): Promise<void> {
    if (!record.zohoSubscriptionId) {
      await this.records.note(
        record.recordId,
        'Cancellation not applied',
        'The record has no Zoho subscription to cancel.',
      );
      return;
    }
    let subscription = await this.subscriptions.get(record.zohoSubscriptionId);
    const atEnd = this.config.subscriptions.cancelAt === 'end_of_term';
    const done =
      subscription.status === 'cancelled' ||
      subscription.status === 'expired' ||
      (atEnd && subscription.status === 'non_renewing');
    if (!done) {
      try {
        subscription = await this.subscriptions.cancel(subscription.subscription_id, { atEnd });
      } catch (err) {
        if (!(err instanceof UpstreamError && !err.temporary)) throw err;
        await this.records.note(
          record.recordId,
          'Cancellation not applied',
          `Zoho refused to cancel: ${err.message}.`,
        );
        return;
      }
    }
    const status = recordStatusOf(subscription.status) ?? SubscriptionStatus.Cancelling;
    await this.records.update(record.recordId, { [CUSTOMER_ATTRIBUTE.subscriptionStatus]: status });
    if (!done) {
      await this.records.note(
        record.recordId,
        'Subscription cancelled',
        status === SubscriptionStatus.Cancelling
          ? `Cancelled at the end of the current term${subscription.current_term_ends_at ? ` (${subscription.current_term_ends_at})` : ''}; no further renewals.`
          : 'Cancelled now in Zoho.',
      );
    }
  }
}
