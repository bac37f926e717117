/*
 * The checkout's per-IP limit against a client that writes its own X-Forwarded-For, over HTTP against the real
 * API, deployed as on Render: behind one proxy (TRUST_PROXY_HOPS=1), which appends the address it saw. The
 * client's own entries come before it, so rotating them does not give a new throttle key. Which entry req.ip
 * is for each hop count: libs/platform http-app/trust-proxy.spec.ts. The per-token limits:
 * checkout-tokens.spec.ts.
 */
import { COMPLETE_LIMITS } from '@aia/checkout';
import { startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import { api, BILLING } from '../testing/flow.fixtures';

jest.setTimeout(60_000);

describe('per-IP checkout limit behind one proxy (TRUST_PROXY_HOPS=1)', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack({ env: { TRUST_PROXY_HOPS: '1' } });
  });
  afterAll(() => stack?.close());

  let links = 0;
  /** A completion on a link of its own (forged: refused, but counted), so only the per-IP limit can answer 429. */
  const complete = (forwardedFor: string) =>
    api(
      stack,
      'POST',
      `/checkout/sessions/forged.link.${++links}/complete`,
      { nonce: 'fake-valid-nonce', billing: BILLING },
      { 'x-forwarded-for': forwardedFor },
    );

  it('is not escaped by changing the leftmost (client-written) X-Forwarded-For entry', async () => {
    const limit = COMPLETE_LIMITS.ip.limit;
    const statuses: number[] = [];
    // The proxy appends the client's real address (203.0.113.7) after whatever the client sent.
    for (let i = 0; i <= limit; i++) statuses.push((await complete(`6.6.${i}.${i}, 203.0.113.7`)).status);
    expect(statuses.slice(0, limit).every((s) => s !== 429)).toBe(true);
    expect(statuses[limit]).toBe(429);
    // Nor by leaving the header out of the forgery, or writing several entries.
    expect((await complete('203.0.113.7')).status).toBe(429);
    expect((await complete('1.1.1.1, 2.2.2.2, 203.0.113.7')).status).toBe(429);
  });

  it('gives another client behind the same proxy its own budget', async () => {
    // Same forged leftmost entry as above, another address appended by the proxy: not limited.
    expect((await complete('6.6.0.0, 203.0.113.8')).status).not.toBe(429);
  });
});

describe('per-IP checkout limit with no proxy (TRUST_PROXY_HOPS unset: local, docker-compose)', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  it("keys on the connection's address: any X-Forwarded-For is ignored", async () => {
    const limit = COMPLETE_LIMITS.ip.limit;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const res = await api(
        stack,
        'POST',
        `/checkout/sessions/forged.link.${i}/complete`,
        { nonce: 'fake-valid-nonce', billing: BILLING },
        { 'x-forwarded-for': `6.6.${i}.${i}` },
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, limit).every((s) => s !== 429)).toBe(true);
    expect(statuses[limit]).toBe(429);
  });
});
