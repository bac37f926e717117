import type { Server } from 'node:http';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { testDeps, testPolicyConfig } from '../resilience/upstream-policy.fixtures';
import {
  parseRetryAfterMs,
  requestJson,
  RETRY_AFTER_FLOOR_MS,
  upstreamErrorFromResponse,
  type HttpResponse,
} from './http-json-client';
import { describeHttpTransportContract, json, startUpstream } from './http-transport.contract';

describeHttpTransportContract('requestJson (fetch)', () => requestJson);

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-03-22T14:30:00.000Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('2', now)).toBe(2_000);
  });
  it('reads an HTTP date relative to now (Attio sends a date)', () => {
    expect(parseRetryAfterMs('Sat, 22 Mar 2025 14:30:01 GMT', now)).toBe(1_000);
    expect(parseRetryAfterMs('Sat, 22 Mar 2025 14:30:00 GMT', now + 750)).toBe(RETRY_AFTER_FLOOR_MS);
  });
  it('waits the floor, not zero, for a date in the past or a zero delay', () => {
    expect(RETRY_AFTER_FLOOR_MS).toBe(1_000);
    expect(parseRetryAfterMs('Sat, 22 Mar 2025 14:29:00 GMT', now)).toBe(RETRY_AFTER_FLOOR_MS);
    expect(parseRetryAfterMs('0', now)).toBe(RETRY_AFTER_FLOOR_MS);
  });
  it('waits the floor when the header is present but unreadable', () => {
    expect(RETRY_AFTER_FLOOR_MS).toBe(1_000);
    expect(parseRetryAfterMs('soon', now)).toBe(RETRY_AFTER_FLOOR_MS);
    expect(parseRetryAfterMs('-5', now)).toBe(RETRY_AFTER_FLOOR_MS);
  });
  it('is undefined when absent (the backoff applies)', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('  ', now)).toBeUndefined();
  });
});

describe('429 with Retry-After through UpstreamPolicy and a real upstream', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  async function callWithRetryAfter(retryAfter: string, nowMs: number, maxRetryAfterMs = 10_000) {
    const upstream = await startUpstream([
      json(429, { code: 'rate_limit_exceeded' }, { 'retry-after': retryAfter }),
      json(200, { ok: true }),
    ]);
    server = upstream.server;
    const deps = testDeps({ random: () => 0.99 });
    deps.time.advance(nowMs);
    const policy = new UpstreamPolicy(
      testPolicyConfig({ maxRetryAfterMs, baseDelayMs: 7_000, maxDelayMs: 7_000 }),
      deps,
    );
    const result = await policy.read('getObject', async (signal) => {
      const res: HttpResponse = await requestJson({
        baseUrl: upstream.baseUrl,
        method: 'GET',
        path: '/v2/objects/people',
        signal,
      });
      if (res.status >= 400)
        throw upstreamErrorFromResponse('attio', res, 'getObject failed', { nowMs: deps.time.now() });
      return res.json;
    });
    return { result, sleeps: deps.time.sleeps, requests: upstream.seen.length };
  }

  it('waits exactly the delay-seconds, then succeeds', async () => {
    const { result, sleeps, requests } = await callWithRetryAfter('2', 0);
    expect(result).toEqual({ ok: true });
    expect(sleeps).toEqual([2_000]);
    expect(requests).toBe(2);
  });

  it('waits exactly until the HTTP date', async () => {
    const now = Date.parse('2025-03-22T14:30:00.250Z');
    const { sleeps } = await callWithRetryAfter('Sat, 22 Mar 2025 14:30:03 GMT', now);
    expect(sleeps).toEqual([2_750]);
  });

  it('waits the floor for an HTTP date already in the past (clock skew), not zero', async () => {
    const now = Date.parse('2025-03-22T14:30:02.000Z');
    const { sleeps, requests } = await callWithRetryAfter('Sat, 22 Mar 2025 14:30:01 GMT', now);
    expect(sleeps).toEqual([RETRY_AFTER_FLOOR_MS]);
    expect(requests).toBe(2);
  });

  it('caps a long Retry-After at maxRetryAfterMs', async () => {
    const { sleeps } = await callWithRetryAfter('120', 0, 3_000);
    expect(sleeps).toEqual([3_000]);
  });
});

describe('upstreamErrorFromResponse', () => {
  it('classifies by status and keeps the platform code', () => {
    const headers = new Headers();
    expect(
      upstreamErrorFromResponse('zoho', { status: 404, headers }, 'no plan', { code: 1001 }),
    ).toMatchObject({
      platform: 'zoho',
      kind: 'not_found',
      upstream: { status: 404, code: 1001, retryAfterMs: undefined },
    });
    expect(upstreamErrorFromResponse('zoho', { status: 500, headers }, 'boom').temporary).toBe(true);
  });
});
