import { PayloadObject, readWebhookPayload, WebhookPayloadError } from '@aia/platform';

/**
 * Typed Zoho Billing webhooks, parsed from the stored payload `{event_id, event_type, event_time, data:
 * {invoice|payment|subscription: <the resource as the API returns it>}}` (docs/sandbox.md, Zoho webhooks:
 * the default payload, UNCONFIRMED beyond community handlers; events.yml only names the event types). Field
 * names follow the resources in ../shared/specs/zoho-billing/ (invoices.yml, payments.yml, subscription.yml);
 * only what the workflows read is kept, in camelCase like the other platforms' parsed webhooks.
 */

export const ZOHO_INVOICE_EVENTS = ['invoice_created'] as const;
export const ZOHO_PAYMENT_EVENTS = ['payment_thankyou', 'payment_refunded'] as const;
export const ZOHO_SUBSCRIPTION_EVENTS = [
  'subscription_created',
  'subscription_activation',
  'subscription_renewed',
  'subscription_cancellation_scheduled',
  'subscription_cancelled',
  'subscription_expired',
  'subscription_reactivated',
  'subscription_upgraded',
  'subscription_downgraded',
] as const;

export type ZohoInvoiceEventType = (typeof ZOHO_INVOICE_EVENTS)[number];
export type ZohoPaymentEventType = (typeof ZOHO_PAYMENT_EVENTS)[number];
export type ZohoSubscriptionEventType = (typeof ZOHO_SUBSCRIPTION_EVENTS)[number];
export type ZohoWebhookEventType =
  ZohoInvoiceEventType | ZohoPaymentEventType | 'payment_declined' | ZohoSubscriptionEventType;

export interface ZohoWebhookInvoice {
  invoiceId: string;
  /** `number` (retrieve schema) or `invoice_number` (create/list schemas). */
  number: string;
  /** invoices.yml: `sent`, `overdue`, `partially_paid`, `paid`, `void` (Zoho may add others). */
  status: string;
  balance: number;
  total: number;
  currencyCode: string;
  customerId: string;
  /** From `subscriptions[].subscription_id` (or a single `subscription_id`); empty for a one-off invoice. */
  subscriptionIds: string[];
  invoiceDate?: string;
  dueDate?: string;
}

export interface ZohoWebhookPayment {
  paymentId: string;
  amount: number;
  /** 0 when absent. */
  amountRefunded: number;
  customerId: string;
  /** payments.yml: `success` or `failure`. */
  status?: string;
  paymentMode?: string;
  /** Our Braintree transaction id on the payments we record (ARCHITECTURE.md §5). */
  referenceNumber?: string;
  /** Free text; the payments this service records say `Braintree transaction <id>`. */
  description?: string;
  currencyCode?: string;
  date?: string;
  invoices: Array<{ invoiceId: string; amountApplied: number }>;
}

export interface ZohoWebhookSubscription {
  subscriptionId: string;
  /** subscription.yml: `live`, `trial`, `non_renewing`, `cancelled`, `expired`, … */
  status: string;
  customerId: string;
  /** Our reference (`reference_id`), when set. */
  referenceId?: string;
  planCode?: string;
  amount?: number;
  currencyCode?: string;
  currentTermEndsAt?: string;
  nextBillingAt?: string;
  expiresAt?: string;
  cancelledAt?: string;
}

interface ZohoWebhookBase<T extends ZohoWebhookEventType> {
  eventId: string;
  eventType: T;
  eventTime?: string;
}

export type ZohoInvoiceWebhook = ZohoWebhookBase<ZohoInvoiceEventType> & { invoice: ZohoWebhookInvoice };
export type ZohoPaymentWebhook = ZohoWebhookBase<ZohoPaymentEventType> & { payment: ZohoWebhookPayment };
/** A failed charge: the failed payment and the invoice it was for (balance unchanged). */
export type ZohoPaymentDeclinedWebhook = ZohoWebhookBase<'payment_declined'> & {
  payment: ZohoWebhookPayment;
  invoice: ZohoWebhookInvoice;
};
export type ZohoSubscriptionWebhook = ZohoWebhookBase<ZohoSubscriptionEventType> & {
  subscription: ZohoWebhookSubscription;
};

export type ZohoWebhook =
  ZohoInvoiceWebhook | ZohoPaymentWebhook | ZohoPaymentDeclinedWebhook | ZohoSubscriptionWebhook;

/** The parsed webhook of one event type (or of several: a union). */
export type ZohoWebhookOf<T extends ZohoWebhookEventType> = T extends ZohoInvoiceEventType
  ? ZohoInvoiceWebhook & { eventType: T }
  : T extends ZohoPaymentEventType
    ? ZohoPaymentWebhook & { eventType: T }
    : T extends 'payment_declined'
      ? ZohoPaymentDeclinedWebhook
      : T extends ZohoSubscriptionEventType
        ? ZohoSubscriptionWebhook & { eventType: T }
        : never;

const includes = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/**
 * The stored payload of a Zoho webhook as a typed value, or a WebhookPayloadError (permanent: the event
 * dead-letters) whose reason names the first field that is missing or of the wrong type. With `expected`,
 * another event type is refused too, and the result is narrowed to that type.
 */
export function parseZohoWebhook<T extends ZohoWebhookEventType = ZohoWebhookEventType>(
  payload: unknown,
  expected?: T | readonly T[],
): ZohoWebhookOf<T> {
  const root = readWebhookPayload('zoho', payload);
  const eventId = root.id('event_id');
  const eventType = root.string('event_type');
  const wanted: readonly string[] | undefined =
    expected === undefined ? undefined : typeof expected === 'string' ? [expected] : expected;
  if (wanted && !wanted.includes(eventType))
    root.fail('event_type', `is ${eventType}, expected ${wanted.join(' or ')}`);
  const eventTime = root.optionalString('event_time');
  const data = root.object('data');
  const base = { eventId, eventTime };
  let parsed: ZohoWebhook;
  if (includes(ZOHO_INVOICE_EVENTS, eventType)) {
    parsed = { ...base, eventType, invoice: parseInvoice(data.object('invoice')) };
  } else if (includes(ZOHO_PAYMENT_EVENTS, eventType)) {
    parsed = { ...base, eventType, payment: parsePayment(data.object('payment')) };
  } else if (eventType === 'payment_declined') {
    parsed = {
      ...base,
      eventType,
      payment: parsePayment(data.object('payment')),
      invoice: parseInvoice(data.object('invoice')),
    };
  } else if (includes(ZOHO_SUBSCRIPTION_EVENTS, eventType)) {
    parsed = { ...base, eventType, subscription: parseSubscription(data.object('subscription')) };
  } else {
    throw new WebhookPayloadError('zoho', `event_type ${eventType} is not one parseZohoWebhook reads`);
  }
  return parsed as ZohoWebhookOf<T>;
}

function parseInvoice(o: PayloadObject): ZohoWebhookInvoice {
  const single = o.optionalId('subscription_id');
  const listed = o.objects('subscriptions').map((s) => s.id('subscription_id'));
  return {
    invoiceId: o.id('invoice_id'),
    number:
      o.optionalString('number') ??
      o.optionalString('invoice_number') ??
      o.fail('number', 'is missing (and so is invoice_number)'),
    status: o.string('status'),
    balance: o.number('balance'),
    total: o.number('total'),
    currencyCode: o.string('currency_code'),
    customerId: o.id('customer_id'),
    subscriptionIds: listed.length ? listed : single ? [single] : [],
    invoiceDate: o.optionalString('invoice_date') ?? o.optionalString('date'),
    dueDate: o.optionalString('due_date'),
  };
}

function parsePayment(o: PayloadObject): ZohoWebhookPayment {
  return {
    paymentId: o.id('payment_id'),
    amount: o.number('amount'),
    amountRefunded: o.optionalNumber('amount_refunded') ?? 0,
    customerId: o.id('customer_id'),
    status: o.optionalString('status'),
    paymentMode: o.optionalString('payment_mode'),
    referenceNumber: o.optionalString('reference_number'),
    description: o.optionalString('description'),
    currencyCode: o.optionalString('currency_code'),
    date: o.optionalString('date'),
    invoices: o.objects('invoices').map((i) => ({
      invoiceId: i.id('invoice_id'),
      amountApplied: i.number('amount_applied'),
    })),
  };
}

function parseSubscription(o: PayloadObject): ZohoWebhookSubscription {
  const customer = o.optionalObject('customer');
  const plan = o.optionalObject('plan');
  return {
    subscriptionId: o.id('subscription_id'),
    status: o.string('status'),
    customerId:
      o.optionalId('customer_id') ??
      customer?.optionalId('customer_id') ??
      o.fail('customer_id', 'is missing (and so is customer.customer_id)'),
    referenceId: o.optionalString('reference_id'),
    planCode: plan?.optionalString('plan_code') ?? o.optionalString('plan_code'),
    amount: o.optionalNumber('amount'),
    currencyCode: o.optionalString('currency_code'),
    currentTermEndsAt: o.optionalString('current_term_ends_at'),
    nextBillingAt: o.optionalString('next_billing_at'),
    expiresAt: o.optionalString('expires_at'),
    cancelledAt: o.optionalString('cancelled_at'),
  };
}
