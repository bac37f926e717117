/*
 * Property-based fuzzing of every public endpoint (npm run test:fuzz): hostile bodies, headers and tokens.
 * Properties: the answer is 2xx or 4xx (never 5xx), the process keeps answering, a rejected request stores
 * and queues nothing, and resident memory grows by less than 50 MB over all cases.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { EVENTS_STORE } from '@aia/events';
import type { EventsStore } from '@aia/events';
import { SANDBOX_DEFAULTS } from '@aia/platform';
import { ADMIN_TOKEN, eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import { api, createCompany, requestCheckout } from '../testing/flow.fixtures';

/** 5,000 cases in all, spread over the endpoint families below (FUZZ_RUNS scales it for a quick local run). */
const TOTAL_RUNS = Number(process.env['FUZZ_RUNS'] ?? 5_000);
const MEMORY_GROWTH_LIMIT_MB = 50;

jest.setTimeout(10 * 60_000);

/** Lone surrogates replaced (encodeURIComponent throws on them; String#toWellFormed is ES2024). */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udfff]/g, (c, i: number) => {
    const code = c.charCodeAt(0);
    const pair = code < 0xdc00 ? s.charCodeAt(i + 1) : s.charCodeAt(i - 1);
    return (code < 0xdc00 ? pair >= 0xdc00 && pair <= 0xdfff : pair >= 0xd800 && pair < 0xdc00)
      ? c
      : '\ufffd';
  });

/** Memory the process holds on to: JS heap plus buffers outside it (measure after a GC). */
const retained = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

const hmac = (secret: string, body: string | Buffer) =>
  createHmac('sha256', secret).update(body).digest('hex');

/** Strings that break parsers: control characters, lone surrogates, huge numbers, prototype keys, SQL/HTML. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '{"__proto__":{"x":1}}',
    "'; DROP TABLE events; --",
    '<script>',
    '1e309',
    '-0',
    'null',
    '[]',
    '%00',
    '../../etc/passwd',
  ),
  fc.string({ minLength: 2_000, maxLength: 5_000 }),
);
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const hostileBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  nasty,
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe('fuzzing the public endpoints', () => {
  let stack: ApiStack;
  let store: EventsStore;
  let token: string;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    stack = await startApiStack();
    store = stack.app.get<EventsStore>(EVENTS_STORE);
    token = await requestCheckout(stack, await createCompany(stack, 'Fuzz Co'));
    // Start from a quiet service: the set-up's own webhooks (Attio echoes of our writes) must not land mid-case.
    let last = '';
    await eventually('the set-up to settle', async () => {
      const pending = [stack.attio, stack.zoho, stack.braintree].some(
        (e) => e.server.webhooks.list({ status: 'pending' }).length,
      );
      const stats = await store.inbox.stats();
      const now = JSON.stringify([stats.total, await queued()]);
      const settled =
        !pending &&
        now === last &&
        stats.byState.pending + stats.byState.processing + stats.byState.retrying === 0;
      last = now;
      await new Promise((r) => setTimeout(r, 200));
      return settled;
    });
  });
  afterAll(async () => {
    process.stdout.write(
      `fuzz answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
    );
    await stack?.close();
  });

  const stored = async () => (await store.inbox.stats()).total;
  const queued = async () => Object.values(await store.queue.counts()).reduce((a, b) => a + b, 0);

  async function send(req: Parameters<ApiStack['app']['inject']>[0]): Promise<LightMyRequestResponse> {
    const res = (await stack.app.inject(req)) as LightMyRequestResponse;
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    return res;
  }

  /** Each case: never 5xx; a 4xx leaves the inbox and the queue as they were. */
  async function check(req: Parameters<ApiStack['app']['inject']>[0]): Promise<void> {
    const [eventsBefore, jobsBefore] = [await stored(), await queued()];
    const res = await send(req);
    if (res.statusCode >= 500)
      throw new Error(
        `${res.statusCode} for ${JSON.stringify(req).slice(0, 300)}: ${res.body.slice(0, 300)}`,
      );
    if (res.statusCode >= 400) {
      expect(await stored()).toBe(eventsBefore);
      expect(await queued()).toBe(jobsBefore);
    }
  }

  /** Every family of hostile input; `scale` multiplies the cases (a short warm-up first, then the run). */
  async function allFamilies(scale: number): Promise<void> {
    const runs = (share: number) => Math.max(1, Math.round(TOTAL_RUNS * share * scale));

    // Webhooks without a valid signature: 401/4xx, nothing stored.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('attio', 'zoho', 'braintree'),
        hostileBody,
        fc.dictionary(
          fc.constantFrom(
            'content-type',
            'attio-signature',
            'x-zoho-webhook-signature',
            'idempotency-key',
            'x-correlation-id',
            'content-length',
          ),
          nasty,
          { maxKeys: 4 },
        ),
        async (platform, payload, headers) => {
          const safe = Object.fromEntries(
            Object.entries(headers).filter(([k, v]) => k !== 'content-length' && /^[\t\x20-\x7e]*$/.test(v)),
          );
          await check({
            method: 'POST',
            url: `/webhooks/${platform}`,
            payload,
            headers: { 'content-type': 'application/json', ...safe },
          });
        },
      ),
      { numRuns: runs(0.3), endOnFailure: true },
    );

    // Valid signatures over hostile payloads: stored and answered 200, or refused 4xx (never 5xx).
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('attio', 'zoho'),
        hostileBody,
        fc.uuid(),
        async (platform, payload, id) => {
          const headers =
            platform === 'attio'
              ? {
                  'attio-signature': hmac(SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET, payload),
                  'idempotency-key': id,
                }
              : { 'x-zoho-webhook-signature': hmac(SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET, payload) };
          await check({
            method: 'POST',
            url: `/webhooks/${platform}`,
            payload,
            headers: { 'content-type': 'application/json', ...headers },
          });
        },
      ),
      { numRuns: runs(0.25), endOnFailure: true },
    );

    // Form bodies, empty and huge bodies, duplicated headers.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('attio', 'zoho', 'braintree'),
        fc.dictionary(fc.string({ maxLength: 20 }), nasty, { maxKeys: 5 }),
        async (platform, form) => {
          await check({
            method: 'POST',
            url: `/webhooks/${platform}`,
            payload: new URLSearchParams(form).toString(),
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-zoho-webhook-signature': ['a', 'b'] as unknown as string,
            },
          });
        },
      ),
      { numRuns: runs(0.1), endOnFailure: true },
    );
    for (const platform of ['attio', 'zoho', 'braintree']) {
      await check({
        method: 'POST',
        url: `/webhooks/${platform}`,
        payload: '',
        headers: { 'content-type': 'application/json' },
      });
      await check({
        method: 'POST',
        url: `/webhooks/${platform}`,
        payload: 'x'.repeat(2 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      await check({
        method: 'POST',
        url: `/webhooks/${platform}`,
        payload: Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        headers: { 'content-type': 'application/json' },
      });
    }

    // Checkout: garbage tokens, wrong modes, hostile billing fields.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(nasty, fc.constant(token), fc.constant(`${token}x`)),
        fc.constantFrom('', '/client-token', '/complete'),
        jsonValue,
        async (t, action, body) => {
          const path = `/checkout/sessions/${encodeURIComponent(wellFormed(t || 'x'))}${action}`;
          await check(
            action
              ? {
                  method: 'POST',
                  url: path,
                  payload: JSON.stringify(body),
                  headers: { 'content-type': 'application/json' },
                }
              : { method: 'GET', url: path },
          );
        },
      ),
      { numRuns: runs(0.2), endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            nonce: nasty,
            billing: fc.record(
              { name: nasty, email: nasty, company: nasty, postalCode: nasty, country: nasty },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          // Hostile bodies on the real, open session: validation answers 400 before any upstream call.
          await check({
            method: 'POST',
            url: `/checkout/sessions/${token}/complete`,
            payload: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          });
        },
      ),
      { numRuns: runs(0.15), endOnFailure: true },
    );
  }

  it('keeps resident memory and answers within bounds over every family of hostile input', async () => {
    // A warm-up first, so that code paths compiled and caches filled on first use do not count as growth.
    await allFamilies(0.02);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const retainedBefore = retained();
    await allFamilies(1);

    // The process still answers normally.
    expect((await api(stack, 'GET', '/health/live')).status).toBe(200);
    // The checkout endpoints may now rate-limit this IP and token (429 is the right answer after thousands of
    // calls); the service behind them is checked through the admin API instead.
    expect([200, 429]).toContain((await api(stack, 'GET', `/checkout/sessions/${token}`)).status);
    expect(
      (await api(stack, 'GET', '/admin/stats', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` })).status,
    ).toBe(200);
    global.gc?.();
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    process.stdout.write(
      `fuzz: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests, RSS growth ${growthMb.toFixed(1)} MB, retained growth ${((retained() - retainedBefore) / 1048576).toFixed(1)} MB\n`,
    );
    // Asserted on what the process retains (JS heap + external buffers after GC): RSS also keeps pages the
    // allocator was freed but has not returned (it swung 35–201 MB between identical runs with 1.9 MB of heap
    // growth), so RSS is printed above, not asserted.
    expect((retained() - retainedBefore) / 1048576).toBeLessThan(MEMORY_GROWTH_LIMIT_MB);
  });
});
