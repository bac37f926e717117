import { PayloadObject, readWebhookPayload, WebhookPayloadError } from '@aia/platform';

/**
 * Typed Braintree webhooks, parsed from what BraintreeWebhookGuard stores: the BraintreeWebhookSummary of the
 * SDK-parsed notification (braintree-webhook.summary.ts), read back from the inbox as JSON. Kinds are the SDK's
 * (`WebhookNotification.Kind` in braintree/lib/braintree/webhook_notification.js). Amounts stay the decimal
 * strings Braintree sends (`"25.00"`), never floats.
 */

export const BRAINTREE_DISPUTE_KINDS = [
  'dispute_opened',
  'dispute_under_review',
  'dispute_disputed',
  'dispute_won',
  'dispute_lost',
  'dispute_accepted',
  'dispute_auto_accepted',
  'dispute_expired',
] as const;
/** ACH / SEPA outcomes (card settlement is polled, not pushed: ARCHITECTURE.md §6). */
export const BRAINTREE_TRANSACTION_KINDS = [
  'transaction_settled',
  'transaction_settlement_declined',
] as const;

export type BraintreeDisputeKind = (typeof BRAINTREE_DISPUTE_KINDS)[number];
export type BraintreeTransactionKind = (typeof BRAINTREE_TRANSACTION_KINDS)[number];
export type BraintreeWebhookKind = 'check' | BraintreeDisputeKind | BraintreeTransactionKind;

export interface BraintreeWebhookDispute {
  id: string;
  /** `open`, `won`, `lost`, `accepted`, `disputed`, `expired`, `under_review`, `auto_accepted`. */
  status: string;
  amount: string;
  currencyIsoCode: string;
  /** `chargeback`, `retrieval`, `pre_arbitration`, … */
  kind?: string;
  reason?: string;
  receivedDate?: string;
  replyByDate?: string;
  /** The disputed charge. */
  transactionId: string;
  /** Its `orderId`, our Zoho invoice id (ARCHITECTURE.md §5); undefined when the charge had none. */
  transactionOrderId?: string;
  transactionAmount?: string;
}

export interface BraintreeWebhookTransaction {
  id: string;
  /** `settled`, `settlement_declined`, … */
  status: string;
  amount: string;
  currencyIsoCode?: string;
  /** Our Zoho invoice id (ARCHITECTURE.md §5); undefined when the charge had none. */
  orderId?: string;
  type?: string;
  merchantAccountId?: string;
}

/** Braintree's "Check URL" notification: nothing to process. Old test payloads may lack a timestamp. */
export interface BraintreeCheckWebhook {
  kind: 'check';
  timestamp?: string;
}

export interface BraintreeDisputeWebhook<K extends BraintreeDisputeKind = BraintreeDisputeKind> {
  kind: K;
  timestamp: string;
  dispute: BraintreeWebhookDispute;
}

export interface BraintreeTransactionWebhook<K extends BraintreeTransactionKind = BraintreeTransactionKind> {
  kind: K;
  timestamp: string;
  transaction: BraintreeWebhookTransaction;
}

export type BraintreeWebhook = BraintreeCheckWebhook | BraintreeDisputeWebhook | BraintreeTransactionWebhook;

/** The parsed webhook of one kind (or of several: a union). */
export type BraintreeWebhookOf<K extends BraintreeWebhookKind> = K extends 'check'
  ? BraintreeCheckWebhook
  : K extends BraintreeDisputeKind
    ? BraintreeDisputeWebhook<K>
    : K extends BraintreeTransactionKind
      ? BraintreeTransactionWebhook<K>
      : never;

const includes = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/**
 * The stored payload of a Braintree webhook as a typed value, or a WebhookPayloadError (permanent: the event
 * dead-letters) whose reason names the first field that is missing or of the wrong type. With `expected`,
 * another kind is refused too, and the result is narrowed to that kind.
 */
export function parseBraintreeWebhook<K extends BraintreeWebhookKind = BraintreeWebhookKind>(
  payload: unknown,
  expected?: K | readonly K[],
): BraintreeWebhookOf<K> {
  const root = readWebhookPayload('braintree', payload);
  const kind = root.string('kind');
  const wanted = expected === undefined ? undefined : typeof expected === 'string' ? [expected] : expected;
  if (wanted && !includes(wanted, kind)) root.fail('kind', `is ${kind}, expected ${wanted.join(' or ')}`);
  let parsed: BraintreeWebhook;
  if (kind === 'check') {
    parsed = { kind, timestamp: root.optionalString('timestamp') };
  } else if (includes(BRAINTREE_DISPUTE_KINDS, kind)) {
    parsed = { kind, timestamp: root.string('timestamp'), dispute: parseDispute(root.object('dispute')) };
  } else if (includes(BRAINTREE_TRANSACTION_KINDS, kind)) {
    parsed = {
      kind,
      timestamp: root.string('timestamp'),
      transaction: parseTransaction(root.object('transaction')),
    };
  } else {
    throw new WebhookPayloadError('braintree', `kind ${kind} is not one parseBraintreeWebhook reads`);
  }
  return parsed as BraintreeWebhookOf<K>;
}

function parseDispute(o: PayloadObject): BraintreeWebhookDispute {
  return {
    id: o.id('id'),
    status: o.string('status'),
    amount: o.decimal('amount'),
    currencyIsoCode: o.string('currencyIsoCode'),
    kind: o.optionalString('kind'),
    reason: o.optionalString('reason'),
    receivedDate: o.optionalString('receivedDate'),
    replyByDate: o.optionalString('replyByDate'),
    transactionId: o.id('transactionId'),
    transactionOrderId: o.optionalString('transactionOrderId'),
    transactionAmount: o.optionalDecimal('transactionAmount'),
  };
}

function parseTransaction(o: PayloadObject): BraintreeWebhookTransaction {
  return {
    id: o.id('id'),
    status: o.string('status'),
    amount: o.decimal('amount'),
    currencyIsoCode: o.optionalString('currencyIsoCode'),
    orderId: o.optionalString('orderId'),
    type: o.optionalString('type'),
    merchantAccountId: o.optionalString('merchantAccountId'),
  };
}
