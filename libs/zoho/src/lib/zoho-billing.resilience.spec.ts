import { UpstreamError } from '@aia/platform';
import { createZohoEmulator, ZohoEmulator } from '@aia/sandbox-zoho';
import { startZohoStack as startStack, ZohoStack } from '../testing/zoho-stack.fixtures';
import { ZohoCustomersService } from './zoho-customers.service';
import { ZohoPlansService } from './zoho-plans.service';
import { ZohoSubscriptionsService } from './zoho-subscriptions.service';
import { ZohoTokenProvider } from './zoho-token.provider';

const startZohoStack = (options: Parameters<typeof startStack>[1] = {}) =>
  startStack(createZohoEmulator, options);

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as UpstreamError,
  );

describe('Zoho client resilience against the emulator', () => {
  let stack: ZohoStack<ZohoEmulator>;
  let plans: ZohoPlansService;

  beforeEach(async () => {
    stack = await startZohoStack();
    plans = stack.moduleRef.get(ZohoPlansService);
  });
  afterEach(() => stack.close());

  describe('policy', () => {
    it('retries a 5xx (temporary) and succeeds', async () => {
      await stack.emulator.server.app.inject({
        method: 'PUT',
        url: '/__sandbox/faults',
        payload: { errorRate: 1, errorStatus: 503, maxFaults: 1, pathIncludes: '/billing/v1/plans' },
      });
      await expect(plans.get('basic-monthly')).resolves.toMatchObject({ plan_code: 'basic-monthly' });
      expect(stack.sent.filter((r) => r.path === '/plans/basic-monthly')).toHaveLength(2);
    });

    it('surfaces 5xx as unavailable after the last attempt', async () => {
      await stack.emulator.server.app.inject({
        method: 'PUT',
        url: '/__sandbox/faults',
        payload: { errorRate: 1, errorStatus: 500, pathIncludes: '/billing/v1/plans' },
      });
      const err = await rejection(plans.get('basic-monthly'));
      expect(err).toMatchObject({ kind: 'unavailable', upstream: { status: 500, code: 1000 } });
      expect(err.temporary).toBe(true);
    });

    it('honours Retry-After on a 429 before retrying', async () => {
      await stack.emulator.server.app.inject({
        method: 'PUT',
        url: '/__sandbox/faults',
        payload: { rateLimitRate: 1, maxFaults: 1, pathIncludes: '/billing/v1/plans' },
      });
      const started = Date.now();
      await expect(plans.get('pro-yearly')).resolves.toMatchObject({ plan_code: 'pro-yearly' });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(990);
      expect(elapsed).toBeLessThan(5_000);
    });

    it('answers a 401 on every call as a permanent auth error after one refresh', async () => {
      await stack.close();
      stack = await startZohoStack({ env: { ZOHO_ORG_ID: '999' } });
      const err = await rejection(stack.moduleRef.get(ZohoPlansService).list());
      expect(err).toMatchObject({ kind: 'auth', upstream: { status: 401 } });
      expect(stack.moduleRef.get(ZohoTokenProvider).refreshCount).toBe(2);
    });

    it('token expiry in the middle of 50 concurrent calls: exactly one refresh and all 50 succeed', async () => {
      const tokens = stack.moduleRef.get(ZohoTokenProvider);
      await plans.get('basic-monthly');
      expect(tokens.refreshCount).toBe(1);
      const issuedBefore = stack.emulator.state.tokens.size;
      stack.emulator.expireAccessTokens();
      const results = await Promise.all(Array.from({ length: 50 }, () => plans.get('pro-monthly')));
      expect(results.every((p) => p.plan_code === 'pro-monthly')).toBe(true);
      expect(tokens.refreshCount).toBe(2);
      expect(stack.emulator.state.tokens.size - issuedBefore).toBe(1);
      expect(stack.sent.filter((r) => r.path === '/oauth/v2/token')).toHaveLength(2);
    });

    it('recognises a cancel whose answer was lost by reading the subscription (no second cancel error)', async () => {
      await stack.close();
      let lose = true;
      stack = await startZohoStack({
        wrap: (inner) => async (req) => {
          const res = await inner(req);
          if (lose && req.method === 'POST' && req.path.endsWith('/cancel')) {
            lose = false;
            throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
          }
          return res;
        },
      });
      const customer = await stack.moduleRef
        .get(ZohoCustomersService)
        .create({ displayName: 'Lost Cancel Co', email: 'lost@acme.test', attioRecordId: 'rec_lost' });
      const subscriptions = stack.moduleRef.get(ZohoSubscriptionsService);
      const sub = await subscriptions.create({
        customerId: customer.customer_id,
        planCode: 'basic-monthly',
        referenceId: 'ref-lost',
      });
      await expect(subscriptions.cancel(sub.subscription_id, { atEnd: false })).resolves.toMatchObject({
        status: 'cancelled',
      });
      expect(stack.sent.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
    });
  });
});
