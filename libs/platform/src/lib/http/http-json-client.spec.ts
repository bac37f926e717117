import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamError } from '../errors/upstream-error';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { testDeps, testPolicyConfig } from '../resilience/upstream-policy.fixtures';
import {
  parseRetryAfterMs,
  requestJson,
  upstreamErrorFromResponse,
  type HttpResponse,
} from './http-json-client';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/** A tiny upstream on a random port whose answers are scripted per request, in order. */
async function startUpstream(
  handlers: Handler[],
): Promise<{ baseUrl: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const entry: Seen = { method: req.method, url: req.url, headers: req.headers, body };
      seen.push(entry);
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
      handler(req, res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, seen, server };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

describe('requestJson', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('sends JSON with query parameters and parses the JSON answer', async () => {
    const upstream = await startUpstream([json(201, { data: { id: 'rec_1' } })]);
    server = upstream.server;
    const res = await requestJson({
      baseUrl: `${upstream.baseUrl}/v2/`,
      method: 'POST',
      path: '/objects/people/records',
      query: { limit: 5, matching: 'x y', skip: undefined, flag: true },
      json: { data: { values: { name: 'Ada' } } },
      headers: { Authorization: 'Bearer t' },
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ data: { id: 'rec_1' } });
    const [req] = upstream.seen;
    expect(req.url).toBe('/v2/objects/people/records?limit=5&matching=x+y&flag=true');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe('Bearer t');
    expect(JSON.parse(req.body)).toEqual({ data: { values: { name: 'Ada' } } });
  });

  it('sends a form body urlencoded', async () => {
    const upstream = await startUpstream([json(200, { access_token: 'a' })]);
    server = upstream.server;
    await requestJson({
      baseUrl: upstream.baseUrl,
      method: 'POST',
      path: 'oauth/v2/token',
      form: { grant_type: 'refresh_token', refresh_token: 'r&t' },
    });
    expect(upstream.seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(upstream.seen[0].body).toBe('grant_type=refresh_token&refresh_token=r%26t');
  });

  it('does not throw on error statuses and leaves json undefined for non-JSON bodies', async () => {
    const upstream = await startUpstream([
      (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
      },
    ]);
    server = upstream.server;
    const res = await requestJson({ baseUrl: upstream.baseUrl, method: 'GET', path: '/x' });
    expect(res.status).toBe(502);
    expect(res.text).toContain('bad gateway');
    expect(res.json).toBeUndefined();
  });

  it('throws a network error on a refused connection, which the policy maps to unavailable/ECONNREFUSED', async () => {
    const upstream = await startUpstream([json(200, {})]);
    await new Promise((resolve) => upstream.server.close(resolve));
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 1 }), testDeps());
    const err = await policy
      .read('get', (signal) => requestJson({ baseUrl: upstream.baseUrl, method: 'GET', path: '/', signal }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'unavailable', upstream: { code: 'ECONNREFUSED' } });
  });

  it('is aborted through the signal when the policy times out', async () => {
    const upstream = await startUpstream([() => undefined /* never answers */]);
    server = upstream.server;
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 1, timeoutMs: 50 }), testDeps());
    const err = await policy
      .read('get', (signal) => requestJson({ baseUrl: upstream.baseUrl, method: 'GET', path: '/', signal }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable', upstream: { code: 'ETIMEDOUT' } });
    server.closeAllConnections();
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-03-22T14:30:00.000Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('2', now)).toBe(2_000);
    expect(parseRetryAfterMs('0', now)).toBe(0);
  });
  it('reads an HTTP date relative to now (Attio sends a date)', () => {
    expect(parseRetryAfterMs('Sat, 22 Mar 2025 14:30:01 GMT', now)).toBe(1_000);
    expect(parseRetryAfterMs('Sat, 22 Mar 2025 14:29:00 GMT', now)).toBe(0);
  });
  it('is undefined when absent or unparseable', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
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
