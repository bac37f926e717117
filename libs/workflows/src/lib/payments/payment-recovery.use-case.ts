import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BraintreeOutcome } from '@aia/braintree';
import { AlertService, JOB_QUEUE } from '@aia/events';
import type { JobQueue } from '@aia/events';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoSubscriptionsService } from '@aia/zoho';
import {
  CUSTOMER_ATTRIBUTE,
  PaymentStatus,
  SubscriptionStatus,
} from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { SendCheckoutLinkUseCase } from '../use-cases/send-checkout-link.use-case';
import { classifyDecline } from './decline-policy';
import type { DeclineDecision } from './decline-policy';
import { INVOICE_PAYMENT_JOB, invoiceKey } from './invoice-jobs';
import type { PayableInvoice } from './payable-invoice';
import type { InvoicePaymentJobData } from './invoice-jobs';

export interface DeclinedCharge {
  invoice: PayableInvoice;
  record: CustomerRecord;
  outcome: Exclude<BraintreeOutcome<unknown>, { outcome: 'approved' }>;
  /** Which retry this charge was (0 or absent: the first charge). */
  retry?: number;
  firstFailedAt?: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * What happens after a declined charge: the record shows `failed` / `past_due`; the first failure writes an
 * update_card link (Attio's automation e-mails it); soft declines are retried on PAYMENT_RETRY_SCHEDULE as
 * delayed jobs under the invoice's key; a hard decline, or the last retry, ends in PAYMENT_FINAL_ACTION and
 * an alert. A card update settles the open invoices at once (CardUpdatedRunner), whatever the schedule says.
 */
@Injectable()
export class PaymentRecoveryUseCase {
  private readonly logger = new Logger(PaymentRecoveryUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly sendLink: SendCheckoutLinkUseCase,
    private readonly subscriptions: ZohoSubscriptionsService,
    private readonly alerts: AlertService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async declined(charge: DeclinedCharge): Promise<void> {
    const { invoice, record } = charge;
    const decision = classifyDecline(charge.outcome);
    const retry = charge.retry ?? 0;
    const firstFailedAt = charge.firstFailedAt ?? Date.now();
    const schedule = this.config.payments.retryScheduleMs;
    const next = decision.kind === 'soft' && retry < schedule.length ? retry + 1 : undefined;
    const nextAt = next ? firstFailedAt + schedule[next - 1] : undefined;
    const amount = `${invoice.balance.toFixed(2)} ${invoice.currencyCode}`;

    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.lastPaymentStatus]: PaymentStatus.Failed,
      [CUSTOMER_ATTRIBUTE.lastInvoiceNumber]: invoice.number,
      [CUSTOMER_ATTRIBUTE.subscriptionStatus]: next ? SubscriptionStatus.PastDue : SubscriptionStatus.Unpaid,
    });
    await this.records.note(
      record.recordId,
      `Payment failed ${invoice.number}`,
      [
        `Charging ${invoice.number} ${amount} failed: ${decision.reason} (${decision.code}, ${decision.kind} decline).`,
        nextAt
          ? `Retry ${next} of ${schedule.length} on ${day(nextAt)}.`
          : decision.kind === 'hard'
            ? 'A hard decline is not retried.'
            : 'That was the last retry.',
      ].join(' '),
    );
    if (retry === 0) await this.sendLink.execute({ recordId: record.recordId, mode: 'update_card' });

    if (next && nextAt !== undefined) {
      const data: InvoicePaymentJobData = {
        invoiceId: invoice.invoiceId,
        reason: 'retry',
        retry: next,
        firstFailedAt,
      };
      await this.queue.enqueue(INVOICE_PAYMENT_JOB, data, {
        id: `invoice-retry:${invoice.invoiceId}:${next}`,
        key: invoiceKey(invoice.invoiceId),
        delayMs: Math.max(0, nextAt - Date.now()),
      });
      this.logger.log(
        `invoice ${invoice.invoiceId} declined (${decision.code}); retry ${next} on ${day(nextAt)}`,
      );
      return;
    }
    await this.giveUp(invoice, record, decision);
  }

  /** PAYMENT_FINAL_ACTION: the record is marked unpaid (done above); optionally the subscription is cancelled. */
  private async giveUp(
    invoice: PayableInvoice,
    record: CustomerRecord,
    decision: DeclineDecision,
  ): Promise<void> {
    const cancel = this.config.payments.finalAction === 'cancel_subscription';
    const subscriptionIds = [
      ...new Set([
        ...invoice.subscriptionIds,
        ...(record.zohoSubscriptionId ? [record.zohoSubscriptionId] : []),
      ]),
    ];
    if (cancel) {
      for (const id of subscriptionIds) await this.subscriptions.cancel(id, { atEnd: false });
      await this.records.update(record.recordId, {
        [CUSTOMER_ATTRIBUTE.subscriptionStatus]: SubscriptionStatus.Cancelled,
      });
    }
    await this.records.note(
      record.recordId,
      `Payment given up ${invoice.number}`,
      `No more automatic retries for ${invoice.number} (${decision.reason}). The record is marked ${cancel ? 'cancelled and the Zoho subscription cancelled' : 'unpaid'}; a card update still pays it.`,
    );
    this.alerts.notify(
      `payment-given-up:${invoice.invoiceId}`,
      `:money_with_wings: Gave up charging invoice ${invoice.number} (${invoice.invoiceId}) for Attio record ${record.recordId}: ${decision.reason} (${decision.code}, ${decision.kind}).${cancel ? ' Subscription cancelled.' : ''}`,
    );
  }
}
