/*
 * Checkout tokens under attack, over HTTP against the real API and the emulators. What is covered elsewhere
 * (and not repeated here): libs/checkout checkout-token.service.spec.ts (the verifier alone: a mode swap in
 * the payload, truncation, alg none, expiry only for authentic tokens, key rotation),
 * flows/subscription-initiation.spec.ts (a forged record id, an altered signature and garbage over GET; a
 * reload after success → 409; double submit), flows/checkout-edge-cases.spec.ts (expired → 410 and a foreign
 * key → 404 over GET; an update_card replay adds no card).
 *
 * Added here: every forgery against all three endpoints with proof that no upstream call was made and no
 * nonce consumed; algorithm and claim confusion with the real key; expiry on the write endpoints; replay
 * after completion with every side effect counted in the emulators; the mode cannot be switched, neither
 * in the token nor in the body; a card-update token for a record without a Braintree customer; and each
 * token's rate limit being its own.
 */
import { createHmac } from 'node:crypto';
import { CheckoutTokenService, checkoutKeyId } from '@aia/checkout';
import { ADMIN_TOKEN, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  BILLING,
  createCompany,
  paidInvoices,
  recordValues,
  requestCheckout,
  tokenizeCard,
  tokenOf,
} from '../testing/flow.fixtures';
import type { HttpAnswer } from '../testing/flow.fixtures';

jest.setTimeout(60_000);

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const hmac = (alg: 'sha256' | 'sha384' | 'sha512', input: string, key: string) =>
  createHmac(alg, key).update(input).digest('base64url');

/** A JWT with the given header and claims, signed with HMAC-`alg` over `key` (or unsigned: alg none). */
function forge(header: object, claims: object, key?: string, alg: 'sha256' | 'sha384' | 'sha512' = 'sha256') {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${key === undefined ? '' : hmac(alg, input, key)}`;
}

let clients = 0;
/**
 * Each call from another client address, so the per-IP limits (60/min, 10 completions/min) stay out of the way
 * of what is tested here: the stack runs as behind one proxy (TRUST_PROXY_HOPS=1), which takes the address it
 * appends to X-Forwarded-For, here this header's only entry (client-ip-throttling.spec.ts).
 */
const client = () => ({ 'x-forwarded-for': `10.77.${Math.floor(++clients / 250)}.${clients % 250}` });

describe('checkout tokens: forged, expired, replayed, wrong mode', () => {
  let stack: ApiStack;
  let secret: string;
  let kid: string;

  beforeAll(async () => {
    stack = await startApiStack({ env: { TRUST_PROXY_HOPS: '1' } });
    secret = stack.config.checkout.tokenSecret;
    kid = checkoutKeyId(secret);
  });
  afterAll(() => stack?.close());

  const endpoints = (token: string, nonce = 'fake-valid-nonce') =>
    [
      () => api(stack, 'GET', `/checkout/sessions/${token}`, undefined, client()),
      () => api(stack, 'POST', `/checkout/sessions/${token}/client-token`, undefined, client()),
      () => api(stack, 'POST', `/checkout/sessions/${token}/complete`, { nonce, billing: BILLING }, client()),
    ] as Array<() => Promise<HttpAnswer>>;

  const completeAs = (token: string, nonce: string, body: Record<string, unknown> = {}) =>
    api(
      stack,
      'POST',
      `/checkout/sessions/${token}/complete`,
      { nonce, billing: BILLING, ...body },
      client(),
    );

  /** Everything a checkout can create or spend, counted in the emulators. */
  function sideEffects() {
    const bt = stack.braintree.state;
    const zoho = stack.zoho.state;
    return {
      braintreeCustomers: bt.customers.size,
      braintreeCards: bt.cards.size,
      braintreeVerifiedCards: [...bt.cards.values()].filter((c) => c.verification).length,
      braintreeTransactions: bt.transactions.size,
      noncesConsumed: [...bt.nonces.values()].filter((n) => n.consumed).length,
      zohoCustomers: zoho.customers.size,
      zohoSubscriptions: zoho.subscriptions.size,
      zohoInvoices: zoho.invoices.size,
      zohoPayments: zoho.payments.size,
    };
  }

  /** Counts the requests the API makes to Braintree and Zoho (every non-control request passes `decide`). */
  function countUpstream() {
    const braintree = jest.spyOn(stack.braintree.server.faults, 'decide');
    const zoho = stack.zoho.server.faults;
    const zohoSpy = jest.spyOn(zoho, 'decide');
    return {
      calls: () => ({ braintree: braintree.mock.calls.length, zoho: zohoSpy.mock.calls.length }),
      restore: () => {
        braintree.mockRestore();
        zohoSpy.mockRestore();
      },
    };
  }

  const nonceConsumed = (nonce: string) => stack.braintree.state.nonces.get(nonce)?.consumed;

  it('refuses every forgery on all three endpoints with 404, before any Braintree or Zoho call', async () => {
    const recordId = await createCompany(stack, 'Forgery Target');
    const token = await requestCheckout(stack, recordId, 'pro-monthly');
    const other = await requestCheckout(stack, await createCompany(stack, 'Other Customer'), 'basic-monthly');
    const [h, p, s] = token.split('.');
    const header = decode(h);
    const claims = decode(p);
    const inAYear = Math.floor(Date.now() / 1000) + 365 * 86_400;
    const flip = (sig: string) => `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;

    const forgeries: Record<string, string> = {
      'payload edited: a cheaper plan': `${h}.${b64({ ...claims, plan: 'basic-monthly' })}.${s}`,
      'payload edited: expiry a year later': `${h}.${b64({ ...claims, exp: inAYear })}.${s}`,
      'payload edited: mode update_card': `${h}.${b64({ ...claims, mode: 'update_card' })}.${s}`,
      'signature altered': `${h}.${p}.${flip(s)}`,
      'signature of another valid token': `${h}.${p}.${other.split('.')[2]}`,
      'signature removed': `${h}.${p}.`,
      'alg none with our kid': forge({ alg: 'none', kid, typ: 'JWT' }, claims),
      'alg none without kid': forge({ alg: 'none', typ: 'JWT' }, claims),
      'HS512 with the real secret': forge({ ...header, alg: 'HS512' }, claims, secret, 'sha512'),
      'HS384 with the real secret': forge({ ...header, alg: 'HS384' }, claims, secret, 'sha384'),
      'unknown kid (real secret)': forge({ ...header, kid: 'AAAAAAAA' }, claims, secret),
      'no kid (real secret)': forge({ alg: 'HS256', typ: 'JWT' }, claims, secret),
      'another audience (real secret)': forge(header, { ...claims, aud: 'admin' }, secret),
      'another issuer (real secret)': forge(header, { ...claims, iss: 'someone-else' }, secret),
      'no jti (real secret)': forge(header, { ...claims, jti: undefined }, secret),
      'unknown mode (real secret)': forge(header, { ...claims, mode: 'refund' }, secret),
      'subscribe without a plan (real secret)': forge(header, { ...claims, plan: undefined }, secret),
    };

    const nonce = await tokenizeCard(stack);
    const before = sideEffects();
    const upstream = countUpstream();
    try {
      for (const [name, forged] of Object.entries(forgeries)) {
        for (const call of endpoints(forged, nonce)) {
          const res = await call();
          expect({ name, status: res.status, code: (res.body['error'] as { code?: string })?.code }).toEqual({
            name,
            status: 404,
            code: 'checkout_session_not_found',
          });
        }
      }
      expect(upstream.calls()).toEqual({ braintree: 0, zoho: 0 });
    } finally {
      upstream.restore();
    }
    expect(sideEffects()).toEqual(before);
    expect(nonceConsumed(nonce)).toBe(false);
    // The genuine token still works afterwards: the forgeries did not burn it.
    expect((await api(stack, 'GET', `/checkout/sessions/${token}`, undefined, client())).status).toBe(200);
  });

  it('an authentic but expired token answers 410 checkout_session_expired on every endpoint and spends nothing', async () => {
    const recordId = await createCompany(stack, 'Late Payer');
    await requestCheckout(stack, recordId, 'basic-monthly');
    const now = Math.floor(Date.now() / 1000);
    const expired = forge(
      { alg: 'HS256', kid, typ: 'JWT' },
      {
        mode: 'subscribe',
        plan: 'basic-monthly',
        sub: recordId,
        jti: '0b7c1e58-3d0f-4b8e-9a57-4f3a0f7c2d11',
        iss: 'attio-integration-api',
        aud: 'checkout',
        iat: now - 8 * 86_400,
        exp: now - 60,
      },
      secret,
    );
    const nonce = await tokenizeCard(stack);
    const before = sideEffects();
    const upstream = countUpstream();
    try {
      for (const call of endpoints(expired, nonce)) {
        const res = await call();
        expect(res.status).toBe(410);
        expect(res.body).toMatchObject({ error: { code: 'checkout_session_expired' } });
      }
      expect(upstream.calls()).toEqual({ braintree: 0, zoho: 0 });
    } finally {
      upstream.restore();
    }
    expect(sideEffects()).toEqual(before);
    expect(nonceConsumed(nonce)).toBe(false);
  });

  it('a subscribe token replayed after completion answers 409 checkout_session_completed and vaults and charges nothing more', async () => {
    const recordId = await createCompany(stack, 'Replay Corp');
    const token = await requestCheckout(stack, recordId, 'basic-monthly');
    const first = await completeAs(token, await tokenizeCard(stack));
    expect(first.status).toBe(200);
    // Let the first invoice be raised and paid, so only the replay could change anything from here.
    await paidInvoices(stack, recordValues(stack, recordId)['zoho_customer_id'] as string, 1);
    const before = sideEffects();

    const nonce = await tokenizeCard(stack, '5555555555554444');
    const replay = await completeAs(token, nonce);
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({
      error: { code: 'checkout_session_completed', details: { mode: 'subscribe' } },
    });
    for (const call of endpoints(token, nonce).slice(0, 2)) {
      const res = await call();
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'checkout_session_completed' } });
    }
    await new Promise((r) => setTimeout(r, 300)); // anything a replay might have queued would run now
    expect(sideEffects()).toEqual(before);
    expect(nonceConsumed(nonce)).toBe(false);
  });

  it('an update_card token replayed after completion answers 409 and adds no card, verification or charge', async () => {
    const recordId = await createCompany(stack, 'Card Replay Ltd');
    const token = await requestCheckout(stack, recordId, 'basic-monthly');
    expect((await completeAs(token, await tokenizeCard(stack))).status).toBe(200);
    await paidInvoices(stack, recordValues(stack, recordId)['zoho_customer_id'] as string, 1);
    const link = await api(
      stack,
      'POST',
      '/admin/checkout-sessions',
      { record_id: recordId, mode: 'update_card' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    const updateToken = tokenOf(link.body['url'] as string);
    expect((await completeAs(updateToken, await tokenizeCard(stack, '5555555555554444'))).status).toBe(200);
    // The card-update job finds no open invoice; wait for it so it cannot blur the counts.
    await new Promise((r) => setTimeout(r, 300));
    const before = sideEffects();

    const nonce = await tokenizeCard(stack, '6011111111111117');
    const replay = await completeAs(updateToken, nonce);
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({
      error: { code: 'checkout_session_completed', details: { mode: 'update_card' } },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(sideEffects()).toEqual(before);
    expect(nonceConsumed(nonce)).toBe(false);
  });

  it('the mode is the signed one: switching an update_card token to subscribe breaks it, and the body cannot choose', async () => {
    const recordId = await createCompany(stack, 'Mode Switcher');
    const token = await requestCheckout(stack, recordId, 'basic-monthly');
    expect((await completeAs(token, await tokenizeCard(stack))).status).toBe(200);
    await paidInvoices(stack, recordValues(stack, recordId)['zoho_customer_id'] as string, 1);
    const issued = await stack.app.get(CheckoutTokenService).issue({ recordId, mode: 'update_card' });
    const [h, p, s] = issued.token.split('.');
    const claims = decode(p);
    expect(claims).toMatchObject({ mode: 'update_card', sub: recordId });
    const switched = `${h}.${b64({ ...claims, mode: 'subscribe', plan: 'pro-monthly' })}.${s}`;

    const nonce = await tokenizeCard(stack);
    const before = sideEffects();
    for (const call of endpoints(switched, nonce)) {
      const res = await call();
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'checkout_session_not_found' } });
    }
    // The body has no say in the mode (or plan, or record): unknown fields are refused before anything runs.
    for (const extra of [{ mode: 'subscribe' }, { plan: 'pro-monthly' }, { recordId: 'x' }]) {
      const res = await completeAs(issued.token, nonce, extra);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect(sideEffects()).toEqual(before);
    expect(nonceConsumed(nonce)).toBe(false);
    // Still the genuine update_card session.
    const view = await api(stack, 'GET', `/checkout/sessions/${issued.token}`, undefined, client());
    expect(view.body).toMatchObject({ mode: 'update_card' });
  });

  it('an update_card token for a record without a Braintree customer answers 404 everywhere and vaults nothing', async () => {
    const recordId = await createCompany(stack, 'Never Subscribed');
    // Issued by the API's own signer (the admin endpoint refuses this mode for such a record up front).
    const { token } = await stack.app.get(CheckoutTokenService).issue({ recordId, mode: 'update_card' });
    expect(recordValues(stack, recordId)['braintree_customer_id']).toBeUndefined();
    const nonce = await tokenizeCard(stack);
    const before = sideEffects();
    for (const call of endpoints(token, nonce)) {
      const res = await call();
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'checkout_session_not_found' } });
    }
    expect(sideEffects()).toEqual(before);
    expect(nonceConsumed(nonce)).toBe(false);
  });

  it("each token's rate limit is its own: exhausting one customer's link does not block another's", async () => {
    // A plan code long enough that two tokens share their first 128 characters (header, mode, plan, "sub").
    stack.zoho.seed({
      plans: [
        {
          plan_code: 'enterprise-annual-plus',
          name: 'Enterprise Annual Plus',
          recurring_price: 1200,
          interval: 1,
          interval_unit: 'years',
          product_id: '460000000000100',
        },
      ],
    });
    const signer = stack.app.get(CheckoutTokenService);
    const issue = async () =>
      (
        await signer.issue({
          recordId: await createCompany(stack),
          mode: 'subscribe',
          planCode: 'enterprise-annual-plus',
        })
      ).token;
    const [attacker, customer] = [await issue(), await issue()];
    expect(attacker.slice(0, 128)).toBe(customer.slice(0, 128));

    // Seven completions on one link (empty bodies: refused by validation, but counted) from rotating addresses.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await api(stack, 'POST', `/checkout/sessions/${attacker}/complete`, {}, client())).status,
      );
    }
    expect(statuses.slice(0, 6).every((s) => s === 400)).toBe(true);
    expect(statuses[6]).toBe(429); // rotating X-Forwarded-For does not escape the per-token limit
    const other = await api(stack, 'POST', `/checkout/sessions/${customer}/complete`, {}, client());
    expect(other.status).toBe(400); // not 429: the other customer's link has its own budget
  });
});
