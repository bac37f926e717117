import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningEmulator } from '@aia/sandbox-kit';
import { customerInput, startHarness, subscriptionInput } from '../testing/zoho-emulator.fixtures';
import { SANDBOX_ZOHO_CREDENTIALS } from './zoho-accounts.routes';
import { createZohoEmulator, ZohoEmulator } from './zoho-emulator';

const creds = SANDBOX_ZOHO_CREDENTIALS;
const grant = (overrides: Record<string, string> = {}) =>
  new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: creds.clientId,
    client_secret: creds.clientSecret,
    refresh_token: creds.refreshToken,
    ...overrides,
  });

describe('Zoho emulator: accounts OAuth over real HTTP', () => {
  let emulator: ZohoEmulator;
  let running: RunningEmulator;
  beforeEach(async () => {
    emulator = createZohoEmulator({ accessTokenTtlSeconds: 120 });
    emulator.seed();
    running = await emulator.listen(0);
  });
  afterEach(() => running.close());

  it('issues a token for the refresh-token grant (form body) whose api_domain is the emulator itself', async () => {
    const res = await fetch(`${running.url}/oauth/v2/token`, { method: 'POST', body: grant() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      access_token: string;
      api_domain: string;
      token_type: string;
      expires_in: number;
    };
    expect(body).toMatchObject({ api_domain: running.url, token_type: 'Bearer', expires_in: 120 });
    expect(body.access_token).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    const plans = await fetch(`${body.api_domain}/billing/v1/plans`, {
      headers: {
        Authorization: `Zoho-oauthtoken ${body.access_token}`,
        'X-com-zoho-subscriptions-organizationid': creds.organizationId,
      },
    });
    expect(plans.status).toBe(200);
  });

  it('accepts the parameters in the query string too', async () => {
    const res = await fetch(`${running.url}/oauth/v2/token?${grant().toString()}`, { method: 'POST' });
    expect(((await res.json()) as { access_token?: string }).access_token).toBeDefined();
  });

  it.each([
    [{ client_id: 'other' }, 'invalid_client'],
    [{ client_secret: 'other' }, 'invalid_client'],
    [{ refresh_token: 'other' }, 'invalid_code'],
    [{ grant_type: 'authorization_code' }, 'unsupported_grant_type'],
  ])('answers %j with HTTP 200 and {"error":"%s"} as Zoho Accounts does', async (override, error) => {
    const res = await fetch(`${running.url}/oauth/v2/token`, { method: 'POST', body: grant(override) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error });
  });

  it('expires tokens after their lifetime on the sandbox clock', async () => {
    const token = emulator.issueAccessToken();
    const call = () =>
      fetch(`${running.url}/billing/v1/plans`, {
        headers: {
          Authorization: `Zoho-oauthtoken ${token}`,
          'X-com-zoho-subscriptions-organizationid': creds.organizationId,
        },
      });
    expect((await call()).status).toBe(200);
    await emulator.server.clock.advance(121_000);
    const res = await call();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 57,
      message: 'You are not authorized to perform this operation',
    });
  });
});

describe('Zoho emulator: rate limit, faults, seed, reset, persistence', () => {
  it('answers 429 in Zoho shape with Retry-After once the per-minute budget is spent', async () => {
    const h = startHarness();
    h.emulator.setRequestsPerMinute(3);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await h.api('GET', '/plans');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last?.body).toEqual({ code: 44, message: expect.stringContaining('too many requests') });
    expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(last?.headers['retry-after'])).toBeLessThanOrEqual(60);
    const set = await h.emulator.server.app.inject({
      method: 'PUT',
      url: '/__sandbox/rate-limit',
      payload: { requests_per_minute: 1000 },
    });
    expect(set.json()).toEqual({ requests_per_minute: 1000 });
    expect((await h.api('GET', '/plans')).status).toBe(200);
    await h.emulator.close();
  });

  it('uses Zoho error bodies for injected 5xx and 429 faults', async () => {
    const h = startHarness();
    const app = h.emulator.server.app;
    await app.inject({
      method: 'PUT',
      url: '/__sandbox/faults',
      payload: { errorRate: 1, errorStatus: 503, maxFaults: 1 },
    });
    const failed = await h.api('GET', '/plans');
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ code: 1000, message: 'Internal error' });
    await app.inject({
      method: 'PUT',
      url: '/__sandbox/faults',
      payload: { rateLimitRate: 1, maxFaults: 1 },
    });
    const limited = await h.api('GET', '/plans');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect((await h.api('GET', '/plans')).status).toBe(200);
    await h.emulator.close();
  });

  it('seeds idempotently (default catalogue or custom data) and reset clears billing data but keeps tokens', async () => {
    const h = startHarness();
    const app = h.emulator.server.app;
    const again = await app.inject({ method: 'POST', url: '/__sandbox/seed' });
    expect(again.json()).toEqual({ ok: true, created: { products: 0, plans: 0, customers: 0 } });
    const custom = await app.inject({
      method: 'POST',
      url: '/__sandbox/seed',
      payload: { customers: [customerInput({ display_name: 'Seeded Co' })] },
    });
    expect(custom.json()).toEqual({ ok: true, created: { products: 0, plans: 0, customers: 1 } });
    const bad = await app.inject({
      method: 'POST',
      url: '/__sandbox/seed',
      payload: { plans: [{ plan_code: 'x' }] },
    });
    expect(bad.statusCode).toBe(400);
    await app.inject({ method: 'POST', url: '/__sandbox/reset' });
    expect(h.emulator.state.plans.size).toBe(0);
    expect(h.emulator.state.customers.size).toBe(0);
    expect((await h.api('GET', '/plans')).body['plans']).toEqual([]);
    await h.emulator.close();
  });

  it('persists state to a JSON file and restores it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoho-emu-'));
    const dataFile = join(dir, 'zoho.json');
    try {
      const first = createZohoEmulator({ dataFile });
      first.seed();
      const customer = first.billing.createCustomer(customerInput({ display_name: 'Persisted Co' }));
      const sub = first.billing.createSubscription(subscriptionInput(customer.customer_id));
      await first.server.clock.advance(86_400_000);
      await first.close();
      const second = createZohoEmulator({ dataFile });
      expect(second.state.customers.get(customer.customer_id)?.display_name).toBe('Persisted Co');
      expect(second.state.subscriptionsByCustomer.get(customer.customer_id)?.has(sub.subscription_id)).toBe(
        true,
      );
      expect(second.state.invoicesBySubscription.get(sub.subscription_id)?.size).toBe(1);
      expect(second.server.clock.offset).toBe(86_400_000);
      // Ids keep counting from where they were, so nothing collides after a restart.
      expect(Number(second.state.newId())).toBeGreaterThan(Number(sub.subscription_id));
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
