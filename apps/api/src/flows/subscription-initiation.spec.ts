import type { CheckoutCompletion, CheckoutSessionView } from '@aia/contracts';
import { startApiStack, eventually } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  BILLING,
  complete,
  createCompany,
  notesOf,
  recordValues,
  requestCheckout,
  tokenizeCard,
} from '../testing/flow.fixtures';

jest.setTimeout(30_000);

describe('subscription initiation: Attio trigger → checkout → ids in Attio', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  const zohoSubscriptionsOf = (customerId: string) =>
    [...stack.zoho.state.subscriptions.values()].filter((s) => s.customer_id === customerId);

  it('provisions the attributes and options the workflows use on the Attio emulator', () => {
    const slugs = stack.attio.state
      .attributesOf(stack.attio.state.object('companies'), false)
      .map((a) => a.api_slug);
    for (const slug of [
      'zoho_customer_id',
      'braintree_customer_id',
      'subscription_status',
      'checkout_link',
    ]) {
      expect(slugs).toContain(slug);
    }
  });

  it('writes a signed link on the record, shows the session, completes it, and writes every id back', async () => {
    const recordId = await createCompany(stack, 'Initech');
    const token = await requestCheckout(stack, recordId, 'pro-monthly');
    await eventually('the link note', () =>
      notesOf(stack, recordId).some((n) => n.title === 'Checkout link sent'),
    );

    const view = await api<CheckoutSessionView>(stack, 'GET', `/checkout/sessions/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      mode: 'subscribe',
      state: 'open',
      customer: { name: 'Initech' },
      plan: {
        code: 'pro-monthly',
        name: 'Pro Monthly',
        price: 99,
        currency: 'USD',
        interval: 1,
        intervalUnit: 'months',
      },
      cardFields: 'sandbox',
      threeDSecure: { required: false },
    });
    expect(view.body.sandbox?.tokenizeUrl).toBe(`${stack.config.braintree.gatewayUrl}/__sandbox/tokenize`);

    const clientToken = await api(stack, 'POST', `/checkout/sessions/${token}/client-token`);
    expect(clientToken.status).toBe(200);
    expect(typeof clientToken.body['clientToken']).toBe('string');

    const done = await complete(stack, token, await tokenizeCard(stack));
    expect(done.status).toBe(200);
    const summary = (done.body as unknown as CheckoutCompletion).summary;
    expect(summary).toMatchObject({ mode: 'subscribe', planName: 'Pro Monthly', price: 99, currency: 'USD' });
    expect(summary.card).toEqual({ type: 'Visa', last4: '1111' });

    const values = recordValues(stack, recordId);
    expect(values['subscription_status']).toBe('active');
    expect(values['checkout_link']).toBeUndefined();
    const btId = values['braintree_customer_id'] as string;
    const zohoId = values['zoho_customer_id'] as string;
    expect(stack.braintree.state.customers.get(btId)).toBeDefined();
    expect(stack.zoho.state.customers.get(zohoId)?.email).toBe(BILLING.email);
    const subs = zohoSubscriptionsOf(zohoId);
    expect(subs).toHaveLength(1);
    expect(values['zoho_subscription_id']).toBe(subs[0].subscription_id);
    expect(subs[0].auto_collect).toBe(false);
    expect(notesOf(stack, recordId).map((n) => n.title)).toContain('Subscription started');

    // The page reloaded after success: 409 with the summary, no second anything.
    const again = await api(stack, 'GET', `/checkout/sessions/${token}`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'checkout_session_completed' } });
  });

  it('a double submit and two concurrent tabs give one customer and one subscription everywhere', async () => {
    const recordId = await createCompany(stack, 'Hooli');
    const token = await requestCheckout(stack, recordId);
    const [a, b] = await Promise.all([
      complete(stack, token, await tokenizeCard(stack)),
      complete(stack, token, await tokenizeCard(stack)),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const third = await complete(stack, token, await tokenizeCard(stack));
    expect(third.status).toBe(409);

    const values = recordValues(stack, recordId);
    const zohoId = values['zoho_customer_id'] as string;
    const zohoCustomers = [...stack.zoho.state.customers.values()].filter((c) =>
      (c.custom_fields ?? []).some((f) => f.value === recordId),
    );
    expect(zohoCustomers).toHaveLength(1);
    expect(zohoSubscriptionsOf(zohoId)).toHaveLength(1);
    const cards = [...stack.braintree.state.cards.values()].filter(
      (c) => c.customerId === values['braintree_customer_id'],
    );
    expect(cards).toHaveLength(1);
  });

  it('a declined verification answers 402 in plain words and leaves the session usable', async () => {
    const recordId = await createCompany(stack, 'Pied Piper');
    const token = await requestCheckout(stack, recordId);
    const declined = await complete(stack, token, await tokenizeCard(stack, '4000111111111115'));
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({
      error: { code: 'card_declined', message: expect.stringContaining('declined') },
    });
    expect(recordValues(stack, recordId)['braintree_customer_id']).toBeUndefined();
    expect((await api(stack, 'GET', `/checkout/sessions/${token}`)).status).toBe(200);

    const ok = await complete(stack, token, await tokenizeCard(stack));
    expect(ok.body).toMatchObject({ state: 'completed' });
    expect(ok.status).toBe(200);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('active');
  });

  it('refuses tampered and malformed tokens with 404 and a code, before any upstream call', async () => {
    const recordId = await createCompany(stack);
    const token = await requestCheckout(stack, recordId);
    const [head, payload, sig] = token.split('.');
    const forged = Buffer.from(payload, 'base64url')
      .toString()
      .replace(recordId, '00000000-0000-4000-8000-000000000000');
    for (const bad of [
      `${head}.${Buffer.from(forged).toString('base64url')}.${sig}`,
      `${head}.${payload}.${sig.slice(0, -2)}AA`,
      'not-a-token',
    ]) {
      const res = await api(stack, 'GET', `/checkout/sessions/${bad}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'checkout_session_not_found' } });
    }
    const invalidBody = await api(stack, 'POST', `/checkout/sessions/${token}/complete`, {
      nonce: 'x',
      billing: { name: '', email: 'nope' },
    });
    expect(invalidBody.status).toBe(400);
  });

  it('handles every event of a batched Attio delivery: two triggers make two sessions', async () => {
    const first = await createCompany(stack, 'Batch One');
    const second = await createCompany(stack, 'Batch Two');
    const { webhooks } = stack.attio.state;
    const target = webhooks.find((w) => w.target_url.endsWith('/webhooks/attio'));
    expect(target).toBeDefined();
    const res = await fetch(`${stack.config.attio.apiUrl.replace(/\/v2$/, '')}/__sandbox/webhooks/batching`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ windowMs: 200 }),
    }).catch(() => undefined);
    expect(res?.ok).toBe(true);
    stack.attio.userEdit('companies', first, {
      subscription_plan: 'basic-monthly',
      subscription_status: 'send_checkout',
    });
    stack.attio.userEdit('companies', second, {
      subscription_plan: 'basic-monthly',
      subscription_status: 'send_checkout',
    });
    for (const id of [first, second]) {
      await eventually(`link on ${id}`, () => recordValues(stack, id)['checkout_link']);
    }
    const batched = stack.attio.server.webhooks
      .list({})
      .some((d) => (JSON.parse(d.body) as { events: unknown[] }).events.length > 1);
    expect(batched).toBe(true);
  });
});
