import { Injectable, Logger } from '@nestjs/common';
import { AlertService } from '@aia/events';
import { UpstreamError } from '@aia/platform';
import { ZohoInvoicesService, ZohoPaymentsService } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, PaymentStatus } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { payableFromApi } from '../payments/payable-invoice';
import type { PayableInvoice } from '../payments/payable-invoice';

export interface ReversedCharge {
  /** The Zoho invoice the charge paid (the transaction's orderId). */
  invoiceId: string;
  transactionId: string;
  /** Shown in the note and the alert: "Dispute DP-1 lost", "Settlement declined (4001)". */
  why: string;
}

/**
 * Money that came back (a lost dispute, a card settlement that was declined): the Zoho payment recorded for
 * the transaction is deleted, so the invoice shows open again, and Attio shows `disputed` with a note. Safe
 * to repeat: once the payment is gone there is nothing to delete, and nothing is written twice.
 */
@Injectable()
export class ChargeReversalUseCase {
  private readonly logger = new Logger(ChargeReversalUseCase.name);

  constructor(
    private readonly invoices: ZohoInvoicesService,
    private readonly payments: ZohoPaymentsService,
    private readonly records: CustomerRecordsService,
    private readonly alerts: AlertService,
  ) {}

  /** True when a payment was removed now; false when there was none (already reversed, or never recorded). */
  async reverse(charge: ReversedCharge): Promise<boolean> {
    const raw = await this.invoices.get(charge.invoiceId).catch(notFoundIsUndefined);
    if (!raw) return false;
    const invoice = payableFromApi(raw);
    const payment = (raw.payments ?? []).find((p) => p.reference_number === charge.transactionId);
    if (!payment) return false;
    await this.payments.delete(payment.payment_id);
    const record = await this.records.findByZohoCustomerId(invoice.customerId);
    if (record) {
      await this.records.update(record.recordId, {
        [CUSTOMER_ATTRIBUTE.lastPaymentStatus]: PaymentStatus.Disputed,
      });
      await this.records.note(
        record.recordId,
        `Payment reversed ${invoice.number}`,
        `${charge.why}: the Zoho payment for ${invoice.number} (Braintree ${charge.transactionId}) was removed, so the invoice is open again.`,
      );
    }
    this.alerts.notify(
      `reversed:${charge.transactionId}`,
      `:warning: ${charge.why} for invoice ${invoice.number} (Braintree ${charge.transactionId}): the Zoho payment was removed and the invoice is open again.`,
    );
    this.logger.warn(`${charge.why}: payment ${payment.payment_id} of invoice ${invoice.invoiceId} removed`);
    return true;
  }

  async invoiceOf(invoiceId: string): Promise<PayableInvoice | undefined> {
    const raw = await this.invoices.get(invoiceId).catch(notFoundIsUndefined);
    return raw && payableFromApi(raw);
  }
}

function notFoundIsUndefined(err: unknown): undefined {
  if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
  throw err;
}
