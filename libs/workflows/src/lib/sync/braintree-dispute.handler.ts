import { Injectable, Logger } from '@nestjs/common';
import { parseBraintreeWebhook } from '@aia/braintree';
import { AlertService, OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import type { VerifiedWebhook } from '@aia/platform';
import { CUSTOMER_ATTRIBUTE, PaymentStatus } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { invoiceKey } from '../payments/invoice-jobs';
import { ChargeReversalUseCase } from './charge-reversal.use-case';

const KINDS = ['dispute_opened', 'dispute_won', 'dispute_lost'] as const;

/** Disputes of one invoice run under the invoice's key, never beside a payment attempt of the same invoice. */
function keyOf(webhook: VerifiedWebhook): string | undefined {
  try {
    const orderId = parseBraintreeWebhook(webhook.payload, KINDS).dispute.transactionOrderId;
    return orderId ? invoiceKey(orderId) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Braintree disputes reach Attio (status and a note) and operators (an alert when one opens or is lost).
 * A lost dispute takes the money back, so its Zoho payment is removed and the invoice shows open again.
 */
@Injectable()
@OnEvent('braintree', [...KINDS], { key: keyOf })
export class BraintreeDisputeHandler implements StoredEventHandler {
  private readonly logger = new Logger(BraintreeDisputeHandler.name);

  constructor(
    private readonly reversal: ChargeReversalUseCase,
    private readonly records: CustomerRecordsService,
    private readonly alerts: AlertService,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const { kind, dispute } = parseBraintreeWebhook(event.payload, KINDS);
    const invoiceId = dispute.transactionOrderId;
    const what = `Dispute ${dispute.id} (${dispute.amount} ${dispute.currencyIsoCode}${dispute.reason ? `, ${dispute.reason}` : ''})`;
    if (!invoiceId) {
      this.alerts.notify(
        `dispute:${dispute.id}`,
        `:warning: ${what} ${kind.slice(8)} on Braintree transaction ${dispute.transactionId}, which has no invoice (no orderId).`,
      );
      return;
    }
    if (kind === 'dispute_lost') {
      await this.reversal.reverse({ invoiceId, transactionId: dispute.transactionId, why: `${what} lost` });
      return;
    }
    const invoice = await this.reversal.invoiceOf(invoiceId);
    const record = invoice && (await this.records.findByZohoCustomerId(invoice.customerId));
    if (kind === 'dispute_opened') {
      this.alerts.notify(
        `dispute:${dispute.id}`,
        `:warning: ${what} opened on invoice ${invoice?.number ?? invoiceId} (Braintree ${dispute.transactionId})${dispute.replyByDate ? `; reply by ${dispute.replyByDate}` : ''}.`,
      );
    }
    if (!record) {
      this.logger.warn(`${kind} for invoice ${invoiceId}: no Attio record to update`);
      return;
    }
    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.lastPaymentStatus]:
        kind === 'dispute_opened' ? PaymentStatus.Disputed : PaymentStatus.Paid,
    });
    await this.records.note(
      record.recordId,
      `${kind === 'dispute_opened' ? 'Dispute opened' : 'Dispute won'} ${invoice?.number ?? invoiceId}`,
      kind === 'dispute_opened'
        ? `${what} was opened on ${invoice?.number ?? invoiceId} (Braintree ${dispute.transactionId})${dispute.replyByDate ? `; reply by ${dispute.replyByDate}` : ''}.`
        : `${what} on ${invoice?.number ?? invoiceId} was decided in our favour; the payment stands.`,
    );
  }
}
