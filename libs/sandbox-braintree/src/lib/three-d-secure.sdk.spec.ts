import * as braintree from 'braintree';
import { BraintreeEmulator, createBraintreeEmulator } from './braintree-emulator';
import { gatewayFor } from './sdk-environment';

// braintree.Test.Nonces.ThreeDSecureVisaFullAuthentication / …FailedAuthentication (lib/braintree/test_values/
// nonces.js; @types/braintree lacks them).
const FULL_AUTHENTICATION = 'fake-three-d-secure-visa-full-authentication-nonce';
const FAILED_AUTHENTICATION = 'fake-three-d-secure-visa-failed-authentication-nonce';

/**
 * `gateway.paymentMethodNonce.find` through the official SDK: the server-side 3D Secure check Braintree
 * documents (https://developer.paypal.com/braintree/docs/reference/request/payment-method-nonce/find/node/).
 */
describe('Braintree emulator — PaymentMethodNonce.find and 3D Secure info (official SDK)', () => {
  let emulator: BraintreeEmulator;
  let url: string;
  let gateway: braintree.BraintreeGateway;

  beforeAll(async () => {
    emulator = createBraintreeEmulator();
    url = (await emulator.listen(0)).url;
    gateway = gatewayFor(url);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.server.reset());

  const tokenize = async (number: string): Promise<string> => {
    const res = await fetch(`${url}/__sandbox/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number, expirationDate: '12/2031', cvv: '123' }),
    });
    return ((await res.json()) as { nonce: string }).nonce;
  };

  it('answers the 3DS info of a fake 3DS nonce the way the SDK parses it', async () => {
    const found = await gateway.paymentMethodNonce.find(FULL_AUTHENTICATION);
    expect(found.nonce).toBe('fake-three-d-secure-visa-full-authentication-nonce');
    expect(found.type).toBe('CreditCard');
    expect(found.details?.bin).toBe('411111');
    expect(found.threeDSecureInfo).toMatchObject({
      enrolled: 'Y',
      status: 'authenticate_successful',
      liabilityShifted: true,
      liabilityShiftPossible: true,
    });
    const failed = await gateway.paymentMethodNonce.find(FAILED_AUTHENTICATION);
    expect(failed.threeDSecureInfo).toMatchObject({ liabilityShifted: false, liabilityShiftPossible: true });
  });

  it('answers null 3DS info for a plain nonce (as the SDK spec expects), and does not consume it', async () => {
    const plain = await gateway.paymentMethodNonce.find('fake-valid-nonce');
    expect(plain.threeDSecureInfo).toBeNull();

    const minted = await tokenize('4111111111111111');
    const found = await gateway.paymentMethodNonce.find(minted);
    expect(found.threeDSecureInfo).toBeNull();
    expect(found.details).toMatchObject({ bin: '411111', lastFour: '1111', cardType: 'Visa' });
    expect((found as unknown as { consumed: boolean }).consumed).toBe(false);
    // The find did not consume it: the nonce still vaults.
    const created = await gateway.customer.create({ id: 'pmn1', paymentMethodNonce: minted });
    expect(created.success).toBe(true);
    const after = await gateway.paymentMethodNonce.find(minted);
    expect((after as unknown as { consumed: boolean }).consumed).toBe(true);
  });

  it('carries the 3DS result of the 3DS sandbox test cards through the sandbox tokenize', async () => {
    const ok = await gateway.paymentMethodNonce.find(await tokenize('4000000000002701'));
    expect(ok.threeDSecureInfo).toMatchObject({ status: 'authenticate_successful', liabilityShifted: true });
    const failed = await gateway.paymentMethodNonce.find(await tokenize('4000000000002925'));
    expect(failed.threeDSecureInfo).toMatchObject({
      status: 'authenticate_frictionless_failed',
      liabilityShifted: false,
    });
  });

  it('answers notFoundError for an unknown nonce', async () => {
    await expect(gateway.paymentMethodNonce.find('not-a-nonce-at-all')).rejects.toMatchObject({
      type: 'notFoundError',
    });
  });

  it('vaults and charges the fake 3DS nonces like their card', async () => {
    const created = await gateway.customer.create({
      id: 'pmn2',
      paymentMethodNonce: FULL_AUTHENTICATION,
      creditCard: { options: { verifyCard: true } } as braintree.CreditCardCreateRequest,
    });
    expect(created.success).toBe(true);
    expect(created.customer.creditCards?.[0].last4).toBe('1111');
  });
});
