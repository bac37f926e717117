/**
 * A plain, JSON-serialisable summary of a parsed `braintree.WebhookNotification` (the SDK object holds
 * class instances and a gateway reference): what the event pipeline stores and workflows read.
 */
export interface BraintreeWebhookSummary {
  kind: string;
  timestamp: string | null;
  sourceMerchantId: string | null;
  dispute: {
    id: string;
    status: string | null;
    kind: string | null;
    reason: string | null;
    amount: string | null;
    currencyIsoCode: string | null;
    receivedDate: string | null;
    replyByDate: string | null;
    transactionId: string | null;
    transactionAmount: string | null;
    /** Our Zoho invoice id on the charge (`orderId`, ARCHITECTURE.md §5); absent from events stored before. */
    transactionOrderId?: string | null;
  } | null;
  transaction: {
    id: string;
    status: string | null;
    type: string | null;
    amount: string | null;
    currencyIsoCode: string | null;
    orderId: string | null;
    merchantAccountId: string | null;
  } | null;
  subscription: { id: string; status: string | null } | null;
}

type Loose = Record<string, unknown> | undefined | null;

const s = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

export function summarizeNotification(notification: unknown): BraintreeWebhookSummary {
  const n = notification as Record<string, unknown>;
  const dispute = n['dispute'] as Loose;
  const disputeTx = dispute?.['transaction'] as Loose;
  const tx = n['transaction'] as Loose;
  const sub = n['subscription'] as Loose;
  return {
    kind: String(n['kind']),
    timestamp: s(n['timestamp']),
    sourceMerchantId: s(n['sourceMerchantId']),
    dispute: dispute
      ? {
          id: String(dispute['id']),
          status: s(dispute['status']),
          kind: s(dispute['kind']),
          reason: s(dispute['reason']),
          amount: s(dispute['amount']),
          currencyIsoCode: s(dispute['currencyIsoCode']),
          receivedDate: s(dispute['receivedDate']),
          replyByDate: s(dispute['replyByDate']),
          transactionId: s(disputeTx?.['id']),
          transactionAmount: s(disputeTx?.['amount']),
          transactionOrderId: s(disputeTx?.['orderId']),
        }
      : null,
    transaction:
      tx && tx['id']
        ? {
            id: String(tx['id']),
            status: s(tx['status']),
            type: s(tx['type']),
            amount: s(tx['amount']),
            currencyIsoCode: s(tx['currencyIsoCode']),
            orderId: s(tx['orderId']),
            merchantAccountId: s(tx['merchantAccountId']),
          }
        : null,
    subscription: sub && sub['id'] ? { id: String(sub['id']), status: s(sub['status']) } : null,
  };
}
