import type { BraintreeOutcome } from '@aia/braintree';

export interface DeclineDecision {
  /** soft: may pass later (insufficient funds, a processor hiccup) → retried on the schedule; hard: never. */
  kind: 'soft' | 'hard';
  code: string;
  reason: string;
}

/**
 * Which declines are worth retrying. Braintree classifies processor declines itself (`processorResponseType`
 * soft_declined / hard_declined, https://developer.paypal.com/braintree/articles/control-panel/transactions/declines);
 * gateway rejections (fraud, CVV/AVS rules) and unusable payment methods will not pass by waiting.
 */
export function classifyDecline(
  outcome: Exclude<BraintreeOutcome<unknown>, { outcome: 'approved' }>,
): DeclineDecision {
  switch (outcome.outcome) {
    case 'declined':
      return {
        kind: outcome.declineType,
        code: outcome.processorResponseCode,
        reason: outcome.processorResponseText,
      };
    case 'gateway_rejected':
      return {
        kind: 'hard',
        code: `gateway_rejected:${outcome.reason}`,
        reason: `Gateway rejected (${outcome.reason})`,
      };
    case 'validation_failed':
      return {
        kind: 'hard',
        code: outcome.errors[0]?.code ?? 'validation_failed',
        reason: outcome.message || 'The card on file cannot be charged',
      };
  }
}
