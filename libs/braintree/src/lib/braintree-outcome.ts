import type * as braintree from 'braintree';

/** A validation error from `<api-error-response>` (codes: braintree ValidationErrorCodes). */
export interface BraintreeFieldError {
  code: string;
  attribute: string;
  message: string;
}

export type DeclineType = 'soft' | 'hard';

export interface TransactionSummary {
  id: string;
  status: string;
  type: string;
  amount: string;
  currencyIsoCode: string;
  merchantAccountId: string;
  orderId: string | null;
  customerId: string | null;
  paymentMethodToken: string | null;
  processorResponseCode: string | null;
  processorResponseText: string | null;
  processorResponseType: string | null;
  gatewayRejectionReason: string | null;
  refundedTransactionId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a Braintree write came to, as a discriminated union (no SDK types leak to callers):
 * - approved: the gateway accepted it (`value`);
 * - declined: the processor said no — code/text as documented in Braintree's authorization responses, and
 *   whether Braintree calls it a soft (may succeed later) or hard decline; `failed` (3000) counts as soft;
 * - gateway_rejected: Braintree's own rules said no (fraud, duplicate, cvv, avs, …);
 * - validation_failed: the request was invalid (field errors).
 */
export type BraintreeOutcome<T> =
  | { outcome: 'approved'; value: T }
  | {
      outcome: 'declined';
      processorResponseCode: string;
      processorResponseText: string;
      declineType: DeclineType;
      transaction?: TransactionSummary;
    }
  | { outcome: 'gateway_rejected'; reason: string; transaction?: TransactionSummary }
  | { outcome: 'validation_failed'; message: string; errors: BraintreeFieldError[] };

/** The SDK objects this module reads, typed loosely where @types/braintree is incomplete. */
interface SdkTransaction {
  id: string;
  status: string;
  type: string;
  amount: string;
  currencyIsoCode: string;
  merchantAccountId: string;
  orderId?: string | null;
  customer?: { id?: string | null } | null;
  creditCard?: { token?: string | null } | null;
  processorResponseCode?: string | null;
  processorResponseText?: string | null;
  processorResponseType?: string | null;
  gatewayRejectionReason?: string | null;
  refundedTransactionId?: string | null;
  createdAt: string;
  updatedAt: string;
}

interface SdkVerification {
  status: string;
  processorResponseCode?: string | null;
  processorResponseText?: string | null;
  processorResponseType?: string | null;
  gatewayRejectionReason?: string | null;
}

export interface SdkResult {
  success: boolean;
  message?: string;
  errors?: braintree.ValidationErrorsCollection;
  transaction?: SdkTransaction;
  verification?: SdkVerification;
  creditCardVerification?: SdkVerification;
}

export function transactionSummary(t: SdkTransaction | braintree.Transaction): TransactionSummary {
  const tx = t as SdkTransaction;
  return {
    id: tx.id,
    status: tx.status,
    type: tx.type,
    amount: tx.amount,
    currencyIsoCode: tx.currencyIsoCode,
    merchantAccountId: tx.merchantAccountId,
    orderId: tx.orderId ?? null,
    customerId: tx.customer?.id ?? null,
    paymentMethodToken: tx.creditCard?.token ?? null,
    processorResponseCode: tx.processorResponseCode ?? null,
    processorResponseText: tx.processorResponseText ?? null,
    processorResponseType: tx.processorResponseType ?? null,
    gatewayRejectionReason: tx.gatewayRejectionReason ?? null,
    refundedTransactionId: tx.refundedTransactionId ?? null,
    createdAt: tx.createdAt,
    updatedAt: tx.updatedAt,
  };
}

function declineTypeOf(processorResponseType: string | null | undefined): DeclineType {
  return processorResponseType === 'hard_declined' ? 'hard' : 'soft';
}

/** Transaction statuses that mean the money was (or is being) taken. */
export const SUCCESSFUL_TRANSACTION_STATUSES = new Set([
  'authorized',
  'authorizing',
  'submitted_for_settlement',
  'settling',
  'settled',
  'settlement_pending',
  'settlement_confirmed',
]);

/** The outcome a stored transaction stands for (used for sale results and for orderId look-ups). */
export function outcomeOfTransaction(tx: TransactionSummary): BraintreeOutcome<TransactionSummary> {
  if (tx.status === 'gateway_rejected') {
    return { outcome: 'gateway_rejected', reason: tx.gatewayRejectionReason ?? 'unknown', transaction: tx };
  }
  if (tx.status === 'processor_declined' || tx.status === 'failed' || tx.status === 'settlement_declined') {
    return {
      outcome: 'declined',
      processorResponseCode: tx.processorResponseCode ?? '',
      processorResponseText: tx.processorResponseText ?? '',
      declineType: declineTypeOf(tx.processorResponseType),
      transaction: tx,
    };
  }
  return { outcome: 'approved', value: tx };
}

function fieldErrors(result: SdkResult): BraintreeFieldError[] {
  return (result.errors?.deepErrors() ?? []).map((e) => ({
    code: String(e.code),
    attribute: e.attribute,
    message: e.message,
  }));
}

/**
 * Maps an SDK result (`success: false` answers included) to an outcome; `approved` builds the value from
 * the successful result.
 */
export function outcomeFromResult<T>(result: SdkResult, approved: (r: SdkResult) => T): BraintreeOutcome<T> {
  if (result.success) return { outcome: 'approved', value: approved(result) };
  if (result.transaction) {
    const o = outcomeOfTransaction(transactionSummary(result.transaction));
    if (o.outcome !== 'approved') return o;
  }
  const v = result.verification ?? result.creditCardVerification;
  if (v && v.status !== 'verified') {
    if (v.status === 'gateway_rejected')
      return { outcome: 'gateway_rejected', reason: v.gatewayRejectionReason ?? 'unknown' };
    return {
      outcome: 'declined',
      processorResponseCode: v.processorResponseCode ?? '',
      processorResponseText: v.processorResponseText ?? '',
      declineType: declineTypeOf(v.processorResponseType),
    };
  }
  return {
    outcome: 'validation_failed',
    message: result.message ?? 'validation failed',
    errors: fieldErrors(result),
  };
}
