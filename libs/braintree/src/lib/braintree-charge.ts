import { SUCCESSFUL_TRANSACTION_STATUSES, TransactionSummary } from './braintree-outcome';

/**
 * How long after a sale a transaction search may still not show it — the window in which a charge keeps
 * re-searching by orderId before it concludes that an earlier send did not take effect. It must cover the
 * search index trailing the gateway plus a sale processed after its client gave up ("late processing").
 * Braintree documents neither delay (UNCONFIRMED; the REST search is a separate two-step call,
 * `advanced_search_ids` then `advanced_search`, PLATFORMS.md §5), so this is a configurable guess.
 */
export const SALE_SEARCH_LAG_MS = 10_000;

/** Pause between two searches inside SALE_SEARCH_LAG_MS. */
export const SALE_SEARCH_RETRY_MS = 2_000;

/**
 * How far back (ms) a declined/rejected sale for the same orderId may have been created and still be taken
 * as the answer to *this* call after an ambiguous failure: covers clock skew between us and Braintree.
 * Older declines for the same invoice belong to earlier attempts (recovery retries reuse the orderId).
 */
export const SAME_ATTEMPT_WINDOW_MS = 60_000;

export interface ChargeSearchConfig {
  /** See SALE_SEARCH_LAG_MS. 0 = one search only (trusts search to be current). */
  searchLagMs: number;
  /** See SALE_SEARCH_RETRY_MS. */
  searchRetryMs: number;
}

export const DEFAULT_CHARGE_SEARCH: ChargeSearchConfig = {
  searchLagMs: SALE_SEARCH_LAG_MS,
  searchRetryMs: SALE_SEARCH_RETRY_MS,
};

/**
 * Optional provider of `Partial<ChargeSearchConfig>` for BraintreeTransactionsService; defaults apply when
 * nothing is bound to it.
 */
export const BRAINTREE_CHARGE_SEARCH = Symbol('BRAINTREE_CHARGE_SEARCH');

export interface ChargeInput {
  /** Our idempotency key: the Zoho invoice id (ARCHITECTURE.md §5). At most 255 characters (error 91501). */
  orderId: string;
  /** Decimal string, e.g. "49.00". */
  amount: string;
  /** ISO currency; picks the merchant account from `braintree.merchantAccounts`. */
  currencyIsoCode: string;
  /** Charge the customer's default (vaulted) card… */
  customerId?: string;
  /** …or this vaulted card (wins when both are given). */
  paymentMethodToken?: string;
}

export interface ChargeOptions {
  /**
   * True only when this invoice was provably never sent before (the first attempt of the first run of its
   * job, with no earlier attempt recorded). Anything else — a job retry, a re-run after a crash, lease
   * expiry or shutdown, a recovery retry — passes false, and the charge looks for an earlier effect first.
   */
  firstAttempt: boolean;
}

/** A successful sale for the invoice. */
export interface Charge extends TransactionSummary {
  /**
   * True when the transaction was found by searching (an earlier send whose answer was lost — in this call
   * or an earlier one) rather than taken from the answer of this call's sale.
   */
  alreadyExisted: boolean;
  /**
   * Other successful sales for the same orderId, oldest first (the returned one is the oldest of all). Not
   * empty means the invoice was charged more than once: alert an operator; never refund automatically.
   */
  duplicates: TransactionSummary[];
}

/** A sale that took (or is taking) the money: settled, submitted, authorized… — not a refund. */
export function isSuccessfulCharge(t: TransactionSummary): boolean {
  return t.type === 'sale' && SUCCESSFUL_TRANSACTION_STATUSES.has(t.status);
}

const byCreatedAt = (a: TransactionSummary, b: TransactionSummary) =>
  Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);

/** The oldest successful sale among `found` with the others as duplicates, or undefined when none. */
export function chargeFrom(found: TransactionSummary[], alreadyExisted: boolean): Charge | undefined {
  const [first, ...rest] = found.filter(isSuccessfulCharge).sort(byCreatedAt);
  return first ? { ...first, alreadyExisted, duplicates: rest } : undefined;
}

/** Statuses of a Braintree transaction (SDK `Transaction.Status`). */
export const TRANSACTION_STATUSES = [
  'authorization_expired',
  'authorizing',
  'authorized',
  'gateway_rejected',
  'failed',
  'processor_declined',
  'settled',
  'settling',
  'settlement_confirmed',
  'settlement_declined',
  'settlement_pending',
  'submitted_for_settlement',
  'voided',
] as const;

export type TransactionStatusName = (typeof TRANSACTION_STATUSES)[number];

export interface TransactionStatusEvent {
  status: string;
  timestamp: string;
  amount: string | null;
}

/** A transaction with what settlement polling needs. */
export interface SettlementSummary extends TransactionSummary {
  /** e.g. "4001" for a settlement decline; null until settlement was attempted. */
  processorSettlementResponseCode: string | null;
  processorSettlementResponseText: string | null;
  settlementBatchId: string | null;
  /** When the status first became `submitted_for_settlement` / `settled` (from the status history). */
  submittedForSettlementAt: string | null;
  settledAt: string | null;
  statusHistory: TransactionStatusEvent[];
}

export interface RecentSearch {
  /** Transactions created at or after this time. */
  createdSince: Date;
  /** …and at or before this time (default: no upper bound). */
  createdBefore?: Date;
  /** Only these statuses (default: any). */
  statuses?: readonly TransactionStatusName[];
}
