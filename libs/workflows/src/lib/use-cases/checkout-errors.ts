import type { CheckoutSummary } from '@aia/contracts';
import { DomainError, ErrorCode } from '@aia/platform';
import type { BraintreeOutcome } from '@aia/braintree';

/** 409 with the summary the page shows ("already paid"). */
export function sessionCompleted(summary: CheckoutSummary): DomainError {
  return new DomainError(ErrorCode.CheckoutSessionCompleted, 'This checkout is already complete.', summary);
}

export function sessionNotFound(): DomainError {
  return new DomainError(ErrorCode.CheckoutSessionNotFound, 'This checkout link is not valid.');
}

/**
 * Words a customer understands for a card that was not vaulted. Declines and gateway rejections are the
 * card's answer (402, try another card); a refused nonce means the card fields must tokenize again (422).
 */
export function cardRefused(
  outcome: Exclude<BraintreeOutcome<unknown>, { outcome: 'approved' }>,
): DomainError {
  switch (outcome.outcome) {
    case 'declined':
      return new DomainError(
        ErrorCode.CardDeclined,
        'Your card was declined. Please check the details or use another card.',
        { reason: outcome.processorResponseText, code: outcome.processorResponseCode, retryable: true },
      );
    case 'gateway_rejected':
      return new DomainError(
        ErrorCode.CardDeclined,
        outcome.reason === 'cvv' || outcome.reason === 'avs' || outcome.reason === 'avs_and_cvv'
          ? 'Your card was declined: the security code or postal code did not match.'
          : 'Your card was declined. Please use another card.',
        { reason: outcome.reason, retryable: true },
      );
    case 'validation_failed':
      return new DomainError(
        ErrorCode.PaymentMethodInvalid,
        'We could not use these card details. Please enter them again.',
        { errors: outcome.errors.map((e) => ({ code: e.code, attribute: e.attribute })) },
      );
  }
}
