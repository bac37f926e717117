/** One job name for every attempt to pay an invoice: the first (webhook), recovery retries, card updates. */
export const INVOICE_PAYMENT_JOB = 'workflow.invoice-payment';

/** Jobs of one invoice share this key, so the queue never runs two of them at once (SQLite and Redis). */
export function invoiceKey(invoiceId: string): string {
  return `zoho-invoice:${invoiceId}`;
}

export interface InvoicePaymentJobData {
  invoiceId: string;
  reason: 'retry' | 'card_updated' | 'operator';
  /** Recovery: which retry of the schedule this is (1-based); absent for other reasons. */
  retry?: number;
  /** Recovery: when the first charge of this invoice was declined (epoch ms), the schedule's origin. */
  firstFailedAt?: number;
}
