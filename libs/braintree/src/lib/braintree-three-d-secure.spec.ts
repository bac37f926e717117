import { MetricsModule, UpstreamError } from '@aia/platform';
import type { UpstreamPolicyConfig } from '@aia/platform';
import { BraintreeEmulator, BraintreeTest, createBraintreeEmulator } from '@aia/sandbox-braintree';
import { Test, TestingModule } from '@nestjs/testing';
import { BraintreePaymentMethodsService } from './braintree-payment-methods.service';
import { BraintreeModule } from './braintree.module';

const FAST_POLICY: Partial<UpstreamPolicyConfig> = { timeoutMs: 2000, baseDelayMs: 5, maxDelayMs: 10 };

/** `threeDSecureOf` (PaymentMethodNonce.find) against the emulator, through the official SDK. */
describe('BraintreePaymentMethodsService.threeDSecureOf', () => {
  let emulator: BraintreeEmulator;
  let url: string;
  let moduleRef: TestingModule;
  let paymentMethods: BraintreePaymentMethodsService;

  beforeAll(async () => {
    emulator = createBraintreeEmulator();
    url = (await emulator.listen(0)).url;
    moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot(),
        BraintreeModule.forRootAsync({
          useFactory: () => ({
            braintree: {
              environment: 'emulator',
              gatewayUrl: url,
              merchantId: 'sandbox_merchant',
              publicKey: 'sandbox_public_key',
              privateKey: 'sandbox_private_key',
              merchantAccounts: { USD: 'sandbox_usd' },
            },
            policy: FAST_POLICY,
          }),
        }),
      ],
    }).compile();
    paymentMethods = moduleRef.get(BraintreePaymentMethodsService);
  });
  afterAll(async () => {
    await moduleRef.close();
    await emulator.close();
  });
  beforeEach(() => emulator.server.reset());

  const tokenize = async (number: string): Promise<string> => {
    const res = await fetch(`${url}/__sandbox/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number, expirationDate: '12/2031', cvv: '123' }),
    });
    return ((await res.json()) as { nonce: string }).nonce;
  };

  it('summarises a nonce whose liability shifted', async () => {
    await expect(
      paymentMethods.threeDSecureOf('fake-three-d-secure-visa-full-authentication-nonce'),
    ).resolves.toEqual({
      kind: 'captured',
      liabilityShifted: true,
      liabilityShiftPossible: true,
      status: 'authenticate_successful',
      enrolled: 'Y',
    });
    await expect(paymentMethods.threeDSecureOf(await tokenize('4000000000002925'))).resolves.toMatchObject({
      kind: 'captured',
      liabilityShifted: false,
      liabilityShiftPossible: true,
      status: 'authenticate_frictionless_failed',
    });
  });

  it('answers none for a nonce without 3DS info and not_found for an unknown nonce', async () => {
    await expect(paymentMethods.threeDSecureOf(BraintreeTest.Nonces.Transactable)).resolves.toEqual({
      kind: 'none',
    });
    await expect(paymentMethods.threeDSecureOf(await tokenize('4111111111111111'))).resolves.toEqual({
      kind: 'none',
    });
    await expect(paymentMethods.threeDSecureOf('tokencc_unknown')).resolves.toEqual({ kind: 'not_found' });
  });

  it('retries a temporary failure (a read) and surfaces one that lasts', async () => {
    const faults = (body: Record<string, unknown>) =>
      fetch(`${url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await faults({ errorRate: 1, errorStatus: 503, maxFaults: 2 });
    await expect(paymentMethods.threeDSecureOf(BraintreeTest.Nonces.Transactable)).resolves.toEqual({
      kind: 'none',
    });
    await faults({ errorRate: 1, errorStatus: 500, maxFaults: 5 });
    const err = await paymentMethods
      .threeDSecureOf(BraintreeTest.Nonces.Transactable)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'unavailable', temporary: true, upstream: { status: 500 } });
    await faults({});
  });
});
