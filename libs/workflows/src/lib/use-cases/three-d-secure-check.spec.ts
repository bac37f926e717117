import type { NonceThreeDSecure } from '@aia/braintree';
import { DomainError, ErrorCode } from '@aia/platform';
import { requireLiabilityShift, THREE_D_SECURE_REQUIRED } from './three-d-secure-check';

const config = (threeDSecure: 'off' | 'required') =>
  ({ checkout: { threeDSecure } }) as Parameters<typeof requireLiabilityShift>[0];

const braintreeAnswering = (answer: NonceThreeDSecure) => ({
  threeDSecureOf: jest.fn().mockResolvedValue(answer),
});

const captured = (liabilityShifted: boolean, liabilityShiftPossible: boolean): NonceThreeDSecure => ({
  kind: 'captured',
  liabilityShifted,
  liabilityShiftPossible,
  status: liabilityShifted ? 'authenticate_successful' : 'authenticate_frictionless_failed',
  enrolled: 'Y',
});

describe('requireLiabilityShift', () => {
  it('makes no call when CHECKOUT_3DS is off', async () => {
    const braintree = braintreeAnswering({ kind: 'none' });
    await expect(requireLiabilityShift(config('off'), braintree, 'n')).resolves.toBeUndefined();
    expect(braintree.threeDSecureOf).not.toHaveBeenCalled();
  });

  it('accepts a nonce whose liability shifted', async () => {
    const braintree = braintreeAnswering(captured(true, true));
    await expect(requireLiabilityShift(config('required'), braintree, 'n')).resolves.toBeUndefined();
    expect(braintree.threeDSecureOf).toHaveBeenCalledWith('n');
  });

  it.each([
    ['no 3DS info', { kind: 'none' } as NonceThreeDSecure, null],
    [
      'a failed authentication',
      captured(false, true),
      { status: 'authenticate_frictionless_failed', liabilityShifted: false, liabilityShiftPossible: true },
    ],
    [
      'a card not eligible',
      captured(false, false),
      expect.objectContaining({ liabilityShiftPossible: false }),
    ],
  ])('refuses %s with 422 payment_method_invalid', async (_what, answer, threeDSecure) => {
    const err = await requireLiabilityShift(config('required'), braintreeAnswering(answer), 'n').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      code: ErrorCode.PaymentMethodInvalid,
      message: 'Your bank did not confirm this card. Please try again, or use a different card.',
      details: { reason: THREE_D_SECURE_REQUIRED, threeDSecure },
    });
  });

  it('asks for the card again when Braintree does not know the nonce', async () => {
    const err = await requireLiabilityShift(
      config('required'),
      braintreeAnswering({ kind: 'not_found' }),
      'n',
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: ErrorCode.PaymentMethodInvalid,
      details: { reason: 'payment_method_nonce_unknown' },
    });
  });
});
