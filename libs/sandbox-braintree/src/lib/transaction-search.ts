import { TransactionRecord } from './braintree-state';

/**
 * The JSON the SDK's TransactionSearch sends (braintree/lib/braintree/advanced_search.js, keys underscored):
 * text fields `{is|is_not|starts_with|ends_with|contains: "…"}`, multiple-value fields `["a","b"]`,
 * ranges `{min, max, is}` (dates as ISO strings), key-value `refund: true|false`. Criteria the emulator does
 * not know are ignored (listed in docs/sandbox/braintree.md).
 */
export type SearchCriteria = Record<string, unknown>;

type TextOps = { is?: string; is_not?: string; starts_with?: string; ends_with?: string; contains?: string };
type RangeOps = { min?: string | number; max?: string | number; is?: string | number };

function textMatch(value: string | null, ops: TextOps): boolean {
  const v = (value ?? '').toLowerCase();
  const lc = (s: string | undefined) => (s === undefined ? undefined : String(s).toLowerCase());
  if (ops.is !== undefined && v !== lc(ops.is)) return false;
  if (ops.is_not !== undefined && v === lc(ops.is_not)) return false;
  if (ops.starts_with !== undefined && !v.startsWith(lc(ops.starts_with) as string)) return false;
  if (ops.ends_with !== undefined && !v.endsWith(lc(ops.ends_with) as string)) return false;
  if (ops.contains !== undefined && !v.includes(lc(ops.contains) as string)) return false;
  return true;
}

function rangeMatch(
  value: number | undefined,
  ops: RangeOps,
  parse: (v: string | number) => number,
): boolean {
  if (value === undefined) return false;
  if (ops.is !== undefined && value !== parse(ops.is)) return false;
  if (ops.min !== undefined && value < parse(ops.min)) return false;
  if (ops.max !== undefined && value > parse(ops.max)) return false;
  return true;
}

const parseDate = (v: string | number) => (typeof v === 'number' ? v : Date.parse(v));
const parseAmount = (v: string | number) => Math.round(Number(v) * 100);

const TEXT_FIELDS: Record<string, (t: TransactionRecord) => string | null> = {
  id: (t) => t.id,
  order_id: (t) => t.orderId,
  customer_id: (t) => t.customerId,
  payment_method_token: (t) => t.paymentMethodToken,
  currency: (t) => t.currencyIsoCode,
  credit_card_unique_identifier: (t) => t.card.uniqueNumberIdentifier,
};

const MULTI_FIELDS: Record<string, (t: TransactionRecord) => string> = {
  ids: (t) => t.id,
  status: (t) => t.status,
  type: (t) => t.type,
  merchant_account_id: (t) => t.merchantAccountId,
  payment_instrument_type: () => 'credit_card',
  source: () => 'api',
  created_using: (t) => (t.paymentMethodToken ? 'token' : 'full_information'),
  credit_card_card_type: (t) => t.card.profile.cardType,
};

/** Time at which the transaction first reached a status (for `*_at` ranges). */
function statusTime(status: string): (t: TransactionRecord) => number | undefined {
  return (t) => {
    const e = t.statusHistory.find((h) => h.status === status);
    return e ? Date.parse(e.timestamp) : undefined;
  };
}

const DATE_RANGES: Record<string, (t: TransactionRecord) => number | undefined> = {
  created_at: (t) => Date.parse(t.createdAt),
  authorized_at: statusTime('authorized'),
  submitted_for_settlement_at: statusTime('submitted_for_settlement'),
  settled_at: statusTime('settled'),
  voided_at: statusTime('voided'),
  processor_declined_at: statusTime('processor_declined'),
  gateway_rejected_at: statusTime('gateway_rejected'),
  failed_at: statusTime('failed'),
  dispute_date: () => undefined,
};

export function matchesSearch(t: TransactionRecord, criteria: SearchCriteria): boolean {
  for (const [key, raw] of Object.entries(criteria)) {
    if (raw === undefined || raw === null) continue;
    if (TEXT_FIELDS[key]) {
      if (!textMatch(TEXT_FIELDS[key](t), raw as TextOps)) return false;
    } else if (MULTI_FIELDS[key]) {
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      if (!values.includes(MULTI_FIELDS[key](t))) return false;
    } else if (DATE_RANGES[key]) {
      if (!rangeMatch(DATE_RANGES[key](t), raw as RangeOps, parseDate)) return false;
    } else if (key === 'amount') {
      if (!rangeMatch(t.amountCents, raw as RangeOps, parseAmount)) return false;
    } else if (key === 'refund') {
      if ((raw === true || raw === 'true') !== (t.refundedTransactionId !== null)) return false;
    }
  }
  return true;
}
