import type { BraintreePaymentMethodsService } from '@aia/braintree';
import { DomainError, ErrorCode } from '@aia/platform';
import type { AppConfig } from '@aia/platform';

/** `details.reason` of the 422 answered for a nonce without a 3-D Secure liability shift (the SPA reads it). */
export const THREE_D_SECURE_REQUIRED = 'three_d_secure_required';

/**
 * With CHECKOUT_3DS=required, the server checks the nonce itself before anything is created: the page's own
 * check can be skipped by calling the completion endpoint directly. Braintree documents the check as
 * PaymentMethodNonce.find → `threeDSecureInfo.liabilityShifted` ("can be used for server-side risk checking";
 * https://developer.paypal.com/braintree/docs/reference/request/payment-method-nonce/find/node/), and says the
 * client-side values "should not be trusted for your server-side risk assessment"
 * (https://developer.paypal.com/braintree/docs/guides/3d-secure/advanced-options). A nonce is accepted only
 * when the liability shifted, as the page requires (braintree-hosted-fields.adapter.ts): `liabilityShiftPossible`
 * without a shift means the cardholder failed authentication, and no 3DS info means none was run.
 * With CHECKOUT_3DS=off this makes no call at all.
 *
 * The refusal is the contract's 422 `payment_method_invalid` ("no 3DS liability shift where required",
 * CheckoutErrorCode in @aia/contracts) with `details.reason` = `three_d_secure_required`: the session stays
 * usable and the page asks for the card again (its card fields run 3-D Secure).
 */
export async function requireLiabilityShift(
  config: Pick<AppConfig, 'checkout'>,
  paymentMethods: Pick<BraintreePaymentMethodsService, 'threeDSecureOf'>,
  nonce: string,
): Promise<void> {
  if (config.checkout.threeDSecure !== 'required') return;
  const result = await paymentMethods.threeDSecureOf(nonce);
  if (result.kind === 'not_found') {
    throw new DomainError(
      ErrorCode.PaymentMethodInvalid,
      'We could not use these card details. Please enter them again.',
      { reason: 'payment_method_nonce_unknown' },
    );
  }
  if (result.kind === 'captured' && result.liabilityShifted) return;
  throw new DomainError(
    ErrorCode.PaymentMethodInvalid,
    'Your bank did not confirm this card. Please try again, or use a different card.',
    {
      reason: THREE_D_SECURE_REQUIRED,
      threeDSecure:
        result.kind === 'captured'
          ? {
              status: result.status,
              liabilityShifted: result.liabilityShifted,
              liabilityShiftPossible: result.liabilityShiftPossible,
            }
          : null,
    },
  );
}
