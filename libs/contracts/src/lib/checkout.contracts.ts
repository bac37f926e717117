/**
 * Checkout API contract shared by the API (libs/checkout) and the SPA (apps/checkout). No Node imports:
 * the SPA bundles this file.
 *
 * Endpoints (all under the API's base URL, `:token` is the signed token from the link `/c/<token>`):
 * - `GET  /checkout/sessions/:token`               → CheckoutSessionView
 * - `POST /checkout/sessions/:token/client-token`  → ClientTokenResponse
 * - `POST /checkout/sessions/:token/complete`      CompleteCheckoutRequest → CheckoutCompletion
 * Errors use the API's one shape, CheckoutErrorBody, with a code from CheckoutErrorCode.
 */

/** `subscribe`: first payment method and subscription; `update_card`: replace the card after a failed charge. */
export type CheckoutMode = 'subscribe' | 'update_card';

/** Which card-fields adapter the page must use: Braintree Hosted Fields, or the sandbox's plain inputs. */
export type CardFieldsKind = 'braintree' | 'sandbox';

export interface CheckoutPlanView {
  code: string;
  name: string;
  /** Recurring price in major units (49 = 49.00). */
  price: number;
  /** ISO 4217 code, e.g. `USD`. */
  currency: string;
  /** Billing every `interval` `intervalUnit`s (Zoho plan fields). */
  interval: number;
  intervalUnit: 'days' | 'weeks' | 'months' | 'years';
  description?: string;
}

export interface CheckoutSessionView {
  mode: CheckoutMode;
  state: 'open';
  customer: { name: string; email?: string };
  /** Absent only when the plan cannot be shown (update_card of a customer without a known plan). */
  plan?: CheckoutPlanView;
  cardFields: CardFieldsKind;
  /** Present when cardFields is `sandbox`: where the sandbox inputs turn test card numbers into nonces. */
  sandbox?: { tokenizeUrl: string };
  /** Whether a 3-D Secure liability shift is required before a nonce is accepted. */
  threeDSecure: { required: boolean };
  expiresAt: string;
}

export interface ClientTokenResponse {
  clientToken: string;
}

export interface BillingDetails {
  name: string;
  email: string;
  company?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
}

export interface CompleteCheckoutRequest {
  /** Card nonce from the card-fields adapter; the server never sees card numbers. */
  nonce: string;
  /** Braintree data-collector output, when collected. */
  deviceData?: string;
  billing: BillingDetails;
}

export interface CheckoutSummary {
  mode: CheckoutMode;
  customerName: string;
  planName?: string;
  price?: number;
  currency?: string;
  card?: { type: string; last4: string };
  /** Subscription status after completion (`active`, or the status unchanged for update_card). */
  subscriptionStatus?: string;
  completedAt: string;
}

export interface CheckoutCompletion {
  state: 'completed';
  summary: CheckoutSummary;
}

export enum CheckoutErrorCode {
  /** The token does not verify (tampered, unknown key, malformed): 404. */
  SessionNotFound = 'checkout_session_not_found',
  /** The token verified but expired: 410. */
  SessionExpired = 'checkout_session_expired',
  /** Already completed: 409, `details` is a CheckoutSummary. */
  SessionCompleted = 'checkout_session_completed',
  /** The card was declined (verification failed): 402; the session stays usable. */
  CardDeclined = 'card_declined',
  /** The nonce was refused (used, expired, or no 3DS liability shift where required): 422. */
  PaymentMethodInvalid = 'payment_method_invalid',
  /** Another completion for the same customer is running: 409, try again in a moment. */
  CompletionInProgress = 'checkout_in_progress',
  /** Body or fields invalid: 400. */
  ValidationFailed = 'validation_failed',
  /** Too many requests: 429. */
  RateLimited = 'rate_limited',
  /** A platform is unavailable; nothing half-applied is left that a retry would not finish: 503. */
  UpstreamUnavailable = 'upstream_unavailable',
}

export interface CheckoutErrorBody {
  error: { code: CheckoutErrorCode | string; message: string; details?: unknown };
}
