import { SignJWT } from 'jose';
import { checkoutKeyId } from '@aia/checkout';
import { CARD_UPDATED_JOB } from '@aia/workflows';
import { JOB_QUEUE } from '@aia/events';
import type { JobQueue } from '@aia/events';
import { ADMIN_TOKEN, eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  complete,
  createCompany,
  notesOf,
  recordValues,
  requestCheckout,
  tokenizeCard,
  tokenOf,
  zohoCustomersOf,
} from '../testing/flow.fixtures';

jest.setTimeout(30_000);

describe('checkout: crashes, expiry, loops, card updates, admin links, rate limits', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  const subscriptionsOf = (zohoCustomerId: string) =>
    [...stack.zoho.state.subscriptions.values()].filter((s) => s.customer_id === zohoCustomerId);

  it('a failure between the Zoho customer and the subscription, then a retry: one of everything', async () => {
    const recordId = await createCompany(stack, 'Crash Co');
    const token = await requestCheckout(stack, recordId);
    // Step 3 (the subscription) fails every time: Braintree customer and Zoho customer exist, nothing after.
    stack.zoho.server.faults.configure({
      errorRate: 1,
      errorStatus: 500,
      pathIncludes: '/billing/v1/subscriptions',
    });
    const failed = await complete(stack, token, await tokenizeCard(stack));
    stack.zoho.server.faults.clear();
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'upstream_unavailable' } });
    expect(zohoCustomersOf(stack, recordId)).toHaveLength(1);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('checkout_sent');

    // The process dies too (its in-process lock and caches with it), then the customer pays again.
    await stack.stopApi();
    await stack.startApi();
    const retried = await complete(stack, token, await tokenizeCard(stack, '5555555555554444'));
    expect(retried.status).toBe(200);
    const values = recordValues(stack, recordId);
    expect(values['subscription_status']).toBe('active');
    expect(zohoCustomersOf(stack, recordId)).toHaveLength(1);
    expect(subscriptionsOf(values['zoho_customer_id'] as string)).toHaveLength(1);
    const customers = [...stack.braintree.state.customers.values()].filter(
      (c) => c.id === values['braintree_customer_id'],
    );
    expect(customers).toHaveLength(1);
  });

  it('an expired link answers 410 with its code; a link signed with an unknown key 404', async () => {
    const recordId = await createCompany(stack);
    const secret = stack.config.checkout.tokenSecret;
    const sign = (key: string, exp: number) =>
      new SignJWT({ mode: 'subscribe', plan: 'basic-monthly' })
        .setProtectedHeader({ alg: 'HS256', kid: checkoutKeyId(key) })
        .setSubject(recordId)
        .setJti('6f0e9a4c-3b7d-4d0e-9a43-7d4b2c1e0f11')
        .setIssuer('attio-integration-api')
        .setAudience('checkout')
        .setIssuedAt(exp - 3600)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(key));
    const now = Math.floor(Date.now() / 1000);
    const expired = await api(stack, 'GET', `/checkout/sessions/${await sign(secret, now - 60)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ error: { code: 'checkout_session_expired' } });
    const foreign = await api(stack, 'GET', `/checkout/sessions/${await sign('x'.repeat(40), now + 600)}`);
    expect(foreign.status).toBe(404);
  });

  it('our own writes to the record do not trigger anything again (no loop)', async () => {
    const recordId = await createCompany(stack, 'Loop Ltd');
    const token = await requestCheckout(stack, recordId);
    expect((await complete(stack, token, await tokenizeCard(stack))).status).toBe(200);
    // Let every delivery our writes caused arrive and be processed, then check nothing was sent twice.
    const deliveries = () => stack.attio.server.webhooks.list({}).length;
    let seen = -1;
    await eventually('Attio deliveries to settle', async () => {
      const n = deliveries();
      const settled = n === seen;
      seen = n;
      await new Promise((r) => setTimeout(r, 300));
      return settled;
    });
    const titles = notesOf(stack, recordId).map((n) => n.title);
    expect(titles.filter((t) => t === 'Checkout link sent')).toHaveLength(1);
    expect(titles.filter((t) => t === 'Subscription started')).toHaveLength(1);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('active');
  });

  it('an update_card link vaults a new default card once and queues the settlement of open invoices', async () => {
    const recordId = await createCompany(stack, 'Card Update Inc');
    const token = await requestCheckout(stack, recordId);
    expect((await complete(stack, token, await tokenizeCard(stack))).status).toBe(200);

    const created = await api(
      stack,
      'POST',
      '/admin/checkout-sessions',
      { record_id: recordId, mode: 'update_card' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(created.status).toBe(201);
    const link = created.body['url'] as string;
    expect(recordValues(stack, recordId)['checkout_link']).toBe(link);
    const updateToken = tokenOf(link);
    const view = await api(stack, 'GET', `/checkout/sessions/${updateToken}`);
    expect(view.body).toMatchObject({ mode: 'update_card', plan: { code: 'pro-monthly' } });

    const done = await complete(stack, updateToken, await tokenizeCard(stack, '5555555555554444'));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      summary: { mode: 'update_card', card: { type: 'MasterCard', last4: '4444' } },
    });
    const customerId = recordValues(stack, recordId)['braintree_customer_id'] as string;
    const cards = [...stack.braintree.state.cards.values()].filter((c) => c.customerId === customerId);
    expect(cards).toHaveLength(2);
    expect(cards.find((c) => c.isDefault)?.profile.number.endsWith('4444')).toBe(true);
    expect(recordValues(stack, recordId)['checkout_link']).toBeUndefined();
    const jobs = await stack.app.get<JobQueue>(JOB_QUEUE).list({ name: CARD_UPDATED_JOB });
    expect(jobs.items.map((j) => j.data)).toEqual([
      expect.objectContaining({ recordId, braintreeCustomerId: customerId }),
    ]);

    // Replayed after completion: 409, and no third card.
    const replay = await complete(stack, updateToken, await tokenizeCard(stack));
    expect(replay.status).toBe(409);
    expect([...stack.braintree.state.cards.values()].filter((c) => c.customerId === customerId)).toHaveLength(
      2,
    );
  });

  it('the admin endpoint needs the admin token and says what is wrong with a bad request', async () => {
    const recordId = await createCompany(stack);
    const unauthorized = await api(stack, 'POST', '/admin/checkout-sessions', { record_id: recordId });
    expect(unauthorized.status).toBe(401);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const noPlan = await api(stack, 'POST', '/admin/checkout-sessions', { record_id: recordId }, auth);
    expect(noPlan.status).toBe(400);
    expect(String((noPlan.body['error'] as { message: string }).message)).toContain('subscription_plan');
    const unknownPlan = await api(
      stack,
      'POST',
      '/admin/checkout-sessions',
      { record_id: recordId, plan_code: 'no-such-plan' },
      auth,
    );
    expect(unknownPlan.status).toBe(400);
    const ok = await api(
      stack,
      'POST',
      '/admin/checkout-sessions',
      { record_id: recordId, plan_code: 'basic-monthly' },
      auth,
    );
    expect(ok.status).toBe(201);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('checkout_sent');
  });

  it('an unknown plan on the trigger leaves a note on the record instead of retrying', async () => {
    const recordId = await createCompany(stack, 'No Plan Corp');
    stack.attio.userEdit('companies', recordId, { subscription_status: 'send_checkout' });
    await eventually('the explanatory note', () =>
      notesOf(stack, recordId).find((n) => n.title === 'Checkout link not sent'),
    );
    expect(recordValues(stack, recordId)['checkout_link']).toBeUndefined();
  });

  it('rate limits the public checkout endpoints per token', async () => {
    const recordId = await createCompany(stack);
    const token = await requestCheckout(stack, recordId);
    const answers: number[] = [];
    for (let i = 0; i < 35; i++)
      answers.push((await api(stack, 'GET', `/checkout/sessions/${token}`)).status);
    expect(answers.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(answers.slice(30)).toContain(429);
  });
});
