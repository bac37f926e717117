import { braintreeCustomerIdFor } from '@aia/workflows';
import { ADMIN_TOKEN, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  complete,
  createCompany,
  recordValues,
  requestCheckout,
  tokenizeCard,
  tokenOf,
  zohoCustomersOf,
} from '../testing/flow.fixtures';

jest.setTimeout(30_000);

/**
 * CHECKOUT_3DS=required is enforced by the server, not only by the page: the completion endpoints look the
 * nonce up (Braintree PaymentMethodNonce.find) and refuse one without a 3-D Secure liability shift before
 * anything is created. 3DS nonces: the sandbox 3DS test cards 4000000000002701 (authenticate_successful) and
 * 4000000000002925 (authenticate_frictionless_failed), and braintree.Test.Nonces.ThreeDSecure* (docs/sandbox.md).
 */
const SHIFTED_CARD = '4000000000002701';
const FAILED_3DS_CARD = '4000000000002925';

describe('checkout with CHECKOUT_3DS=required', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack({ env: { CHECKOUT_3DS: 'required' } });
  });
  afterAll(() => stack?.close());
  afterEach(() => stack.zoho.server.faults.clear());

  const braintreeCustomerOf = (recordId: string) =>
    stack.braintree.state.customers.get(braintreeCustomerIdFor(recordId));

  it('refuses a nonce without a liability shift: 422 three_d_secure_required, nothing created', async () => {
    const recordId = await createCompany(stack, '3DS Refused Co');
    const token = await requestCheckout(stack, recordId);
    // Any Zoho customer call would fail the completion with 503 instead of the 422 below.
    stack.zoho.server.faults.configure({
      errorRate: 1,
      errorStatus: 500,
      pathIncludes: '/billing/v1/customers',
    });

    const plain = await tokenizeCard(stack);
    const refused = await complete(stack, token, plain);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: {
        code: 'payment_method_invalid',
        message: 'Your bank did not confirm this card. Please try again, or use a different card.',
        details: { reason: 'three_d_secure_required', threeDSecure: null },
      },
    });

    const failed = await complete(stack, token, await tokenizeCard(stack, FAILED_3DS_CARD));
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({
      error: {
        details: {
          reason: 'three_d_secure_required',
          threeDSecure: {
            status: 'authenticate_frictionless_failed',
            liabilityShifted: false,
            liabilityShiftPossible: true,
          },
        },
      },
    });
    expect((await complete(stack, token, 'fake-valid-visa-nonce')).status).toBe(422);
    const unknown = await complete(stack, token, 'tokencc_never_issued');
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: { details: { reason: 'payment_method_nonce_unknown' } } });

    expect(braintreeCustomerOf(recordId)).toBeUndefined();
    expect(stack.braintree.state.nonces.get(plain)?.consumed).toBe(false);
    expect(zohoCustomersOf(stack, recordId)).toHaveLength(0);
    const values = recordValues(stack, recordId);
    expect(values['subscription_status']).toBe('checkout_sent');
    expect(values['braintree_customer_id']).toBeUndefined();

    // The session stays usable: the same link completes with a card whose liability shifted.
    stack.zoho.server.faults.clear();
    const done = await complete(stack, token, await tokenizeCard(stack, SHIFTED_CARD));
    expect(done.status).toBe(200);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('active');
    expect(braintreeCustomerOf(recordId)).toBeDefined();
    expect(zohoCustomersOf(stack, recordId)).toHaveLength(1);
  });

  it('a nonce look-up that keeps failing answers 503 and creates nothing', async () => {
    const recordId = await createCompany(stack, '3DS Lookup Down Co');
    const token = await requestCheckout(stack, recordId);
    stack.braintree.server.faults.configure({
      errorRate: 1,
      errorStatus: 500,
      pathIncludes: '/payment_method_nonces/',
    });
    const down = await complete(stack, token, await tokenizeCard(stack, SHIFTED_CARD));
    stack.braintree.server.faults.clear();
    expect(down.status).toBe(503);
    expect(braintreeCustomerOf(recordId)).toBeUndefined();
    expect(zohoCustomersOf(stack, recordId)).toHaveLength(0);
  });

  it("completes with Braintree's fake 3DS nonce (full authentication)", async () => {
    const recordId = await createCompany(stack, '3DS Fake Nonce Co');
    const token = await requestCheckout(stack, recordId);
    const done = await complete(stack, token, 'fake-three-d-secure-visa-full-authentication-nonce');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      summary: { mode: 'subscribe', card: { type: 'Visa', last4: '1111' } },
    });
  });

  it('refuses the same way on an update_card link, before vaulting', async () => {
    const recordId = await createCompany(stack, '3DS Card Update Co');
    const token = await requestCheckout(stack, recordId);
    expect((await complete(stack, token, await tokenizeCard(stack, SHIFTED_CARD))).status).toBe(200);
    const created = await api(
      stack,
      'POST',
      '/admin/checkout-sessions',
      { record_id: recordId, mode: 'update_card' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(created.status).toBe(201);
    const updateToken = tokenOf(created.body['url'] as string);
    const customerId = braintreeCustomerIdFor(recordId);
    const cardsOf = () =>
      [...stack.braintree.state.cards.values()].filter((c) => c.customerId === customerId);

    const refused = await complete(stack, updateToken, await tokenizeCard(stack, '5555555555554444'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { details: { reason: 'three_d_secure_required' } } });
    expect(cardsOf()).toHaveLength(1);

    const done = await complete(stack, updateToken, await tokenizeCard(stack, SHIFTED_CARD));
    expect(done.status).toBe(200);
    expect(cardsOf()).toHaveLength(2);
  });
});

describe('checkout with CHECKOUT_3DS=off (the default)', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  it('completes with a plain nonce and never looks the nonce up', async () => {
    const recordId = await createCompany(stack, 'No 3DS Co');
    const token = await requestCheckout(stack, recordId);
    // A nonce look-up would fail; with the check off there is none.
    stack.braintree.server.faults.configure({
      errorRate: 1,
      errorStatus: 500,
      pathIncludes: '/payment_method_nonces/',
    });
    const done = await complete(stack, token, await tokenizeCard(stack));
    stack.braintree.server.faults.clear();
    expect(done.status).toBe(200);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('active');
  });
});
