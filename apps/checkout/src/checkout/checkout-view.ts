import { CheckoutErrorCode, type CheckoutSessionView, type CheckoutSummary } from '@aia/contracts';
import { CheckoutApiError } from '../api/checkout-api';

/** What the page shows; `open` hands over to the form, which reports its outcome with another view. */
export type CheckoutView =
  | { kind: 'loading' }
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'completed'; summary?: CheckoutSummary }
  | { kind: 'open'; session: CheckoutSessionView }
  | { kind: 'success'; summary: CheckoutSummary }
  | { kind: 'error'; message: string };

function isSummary(value: unknown): value is CheckoutSummary {
  const v = value as Partial<CheckoutSummary> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.mode === 'string' && typeof v.completedAt === 'string'
  );
}

/** The views an API error ends the checkout with (whatever call it came from), or null if it does not. */
export function terminalView(error: unknown): CheckoutView | null {
  if (!(error instanceof CheckoutApiError)) return null;
  if (error.status === 404) return { kind: 'invalid' };
  if (error.status === 410) return { kind: 'expired' };
  if (error.status === 409 && error.code === CheckoutErrorCode.SessionCompleted) {
    return { kind: 'completed', summary: isSummary(error.details) ? error.details : undefined };
  }
  return null;
}

/**
 * `details.reason` of the API's 422 when CHECKOUT_3DS=required and the card's 3-D Secure check did not shift
 * the liability (libs/workflows use-cases/three-d-secure-check.ts).
 */
const THREE_D_SECURE_REQUIRED = 'three_d_secure_required';

function reasonOf(details: unknown): unknown {
  return typeof details === 'object' && details !== null
    ? (details as { reason?: unknown }).reason
    : undefined;
}

/** A customer-readable message for an error that leaves the checkout open (retry possible). */
export function retryableMessage(error: unknown): string {
  if (!(error instanceof CheckoutApiError)) return 'Something went wrong. Please try again.';
  switch (error.status) {
    case 0:
      return 'We could not reach the checkout service. Please check your connection and try again.';
    case 429:
      return 'Too many attempts in a short time. Please wait a minute, then try again.';
    case 503:
      return 'The payment service is temporarily unavailable. Please try again in a few minutes.';
    case 409:
      return 'Your payment is already being processed. Please wait a moment, then try again.';
    case 422:
      return reasonOf(error.details) === THREE_D_SECURE_REQUIRED
        ? 'Your bank did not confirm this card. Please try again, or use a different card.'
        : 'We could not use these card details. Please enter your card again.';
    case 400:
      return 'Some of the details are not valid. Please check the form and try again.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
