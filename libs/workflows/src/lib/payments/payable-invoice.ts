import type { ZohoInvoice, ZohoWebhookInvoice } from '@aia/zoho';

/** What paying an invoice needs, whether it came from a webhook or from `GET /invoices/{id}`. */
export interface PayableInvoice {
  invoiceId: string;
  number: string;
  status: string;
  balance: number;
  currencyCode: string;
  customerId: string;
  subscriptionIds: string[];
}

export function payableFromWebhook(invoice: ZohoWebhookInvoice): PayableInvoice {
  return {
    invoiceId: invoice.invoiceId,
    number: invoice.number,
    status: invoice.status,
    balance: invoice.balance,
    currencyCode: invoice.currencyCode,
    customerId: invoice.customerId,
    subscriptionIds: invoice.subscriptionIds,
  };
}

export function payableFromApi(invoice: ZohoInvoice): PayableInvoice {
  return {
    invoiceId: invoice.invoice_id,
    number: invoice.invoice_number ?? invoice.number ?? invoice.invoice_id,
    status: invoice.status,
    balance: invoice.balance,
    currencyCode: invoice.currency_code,
    customerId: invoice.customer_id,
    subscriptionIds: (invoice.subscriptions ?? []).map((s) => s.subscription_id),
  };
}
