import { Injectable } from '@nestjs/common';
import { RepeatStrategy, UpstreamError } from '@aia/platform';
import { ZohoBillingClient } from './zoho-billing.client';
import { ZohoInvoicesService } from './zoho-invoices.service';
import type { ZohoPayment, ZohoPaymentMode } from './zoho.types';

export interface CreateZohoPaymentInput {
  customerId: string;
  amount: number;
  paymentMode: ZohoPaymentMode;
  /**
   * The Braintree transaction id (ARCHITECTURE.md §5). It is how a repeat is detected: the invoice's payments
   * are searched for it before sending again. Without it the create is never re-sent after an ambiguous failure.
   */
  referenceNumber?: string;
  invoices: Array<{ invoiceId: string; amountApplied: number }>;
  /** `YYYY-MM-DD`, default today (Zoho's default). */
  date?: string;
  description?: string;
}

@Injectable()
export class ZohoPaymentsService {
  constructor(
    private readonly client: ZohoBillingClient,
    private readonly invoices: ZohoInvoicesService,
  ) {}

  async get(paymentId: string): Promise<ZohoPayment> {
    const body = await this.client.read('payments.get', {
      method: 'GET',
      path: `/payments/${encodeURIComponent(paymentId)}`,
    });
    return body['payment'] as ZohoPayment;
  }

  /**
   * `GET /payments?customer_id=` — Zoho's "List all payments" (not in payments.yml, so UNCONFIRMED in the
   * spec files). `invoiceId` narrows in the sandbox only; use `findByReference` for a spec-backed lookup.
   */
  list(filter: { customerId?: string; invoiceId?: string } = {}): Promise<ZohoPayment[]> {
    return this.client.listAll<ZohoPayment>(
      'payments.list',
      {
        method: 'GET',
        path: '/payments',
        query: { customer_id: filter.customerId, invoice_id: filter.invoiceId },
      },
      'payments',
    );
  }

  /** The payment on `invoiceId` whose `reference_number` matches (via the invoice's own `payments` list). */
  async findByReference(invoiceId: string, referenceNumber: string): Promise<ZohoPayment | undefined> {
    const invoice = await this.invoices.get(invoiceId);
    const applied = (invoice.payments ?? []).find((p) => p.reference_number === referenceNumber);
    return applied ? this.get(applied.payment_id) : undefined;
  }

  create(input: CreateZohoPaymentInput): Promise<ZohoPayment> {
    const json = {
      customer_id: input.customerId,
      payment_mode: input.paymentMode,
      amount: input.amount,
      reference_number: input.referenceNumber,
      date: input.date,
      description: input.description,
      invoices: input.invoices.map((i) => ({ invoice_id: i.invoiceId, amount_applied: i.amountApplied })),
    };
    const first = input.invoices[0];
    const repeat: RepeatStrategy<ZohoPayment> =
      input.referenceNumber && first
        ? {
            kind: 'check',
            find: () => this.findByReference(first.invoiceId, input.referenceNumber as string),
          }
        : { kind: 'never' };
    return this.client.write(
      'payments.create',
      { method: 'POST', path: '/payments', json },
      (b) => b['payment'] as ZohoPayment,
      repeat,
    );
  }

  /** Deleting gives the amounts back to the invoices. A repeat first checks whether the payment is already gone. */
  async delete(paymentId: string): Promise<void> {
    await this.client.write(
      'payments.delete',
      { method: 'DELETE', path: `/payments/${encodeURIComponent(paymentId)}` },
      () => true as const,
      {
        kind: 'check',
        find: async () => {
          try {
            await this.get(paymentId);
            return undefined;
          } catch (err) {
            if (err instanceof UpstreamError && err.kind === 'not_found') return true as const;
            throw err;
          }
        },
      },
    );
  }
}
