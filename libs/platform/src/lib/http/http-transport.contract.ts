/* Shared behaviour of every HttpTransport (the fetch wrapper and the @nestjs/axios one); each spec calls
 * describeHttpTransportContract. What the platform clients and the resilience policy rely on. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamError } from '../errors/upstream-error';
import { surelyNotProcessed } from '../resilience/upstream-error-mapping';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { testDeps, testPolicyConfig } from '../resilience/upstream-policy.fixtures';
import { parseRetryAfterMs, type HttpTransport } from './http-json-client';

export interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}
export type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/** A tiny upstream on a random port whose answers are scripted per request, in order. */
export async function startUpstream(
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

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

export function describeHttpTransportContract(name: string, make: () => HttpTransport): void {
  describe(`${name} (HttpTransport contract)`, () => {
    let server: Server | undefined;
    let transport: HttpTransport;
    beforeEach(() => {
      transport = make();
    });
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
      server = undefined;
    });
    const upstream = async (handlers: Handler[]) => {
      const started = await startUpstream(handlers);
      server = started.server;
      return started;
    };
    const policy = (timeoutMs = 1_000) =>
      new UpstreamPolicy(testPolicyConfig({ maxAttempts: 1, timeoutMs }), testDeps());

    it('sends JSON with query parameters and parses the JSON answer', async () => {
      const up = await upstream([json(201, { data: { id: 'rec_1' } })]);
      const res = await transport({
        baseUrl: `${up.baseUrl}/v2/`,
        method: 'POST',
        path: '/objects/people/records',
        query: { limit: 5, matching: 'x y', skip: undefined, flag: true },
        json: { data: { values: { name: 'Ada' } } },
        headers: { Authorization: 'Bearer t' },
      });
      expect(res.status).toBe(201);
      expect(res.json).toEqual({ data: { id: 'rec_1' } });
      const [req] = up.seen;
      expect(req.url).toBe('/v2/objects/people/records?limit=5&matching=x+y&flag=true');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers.authorization).toBe('Bearer t');
      expect(JSON.parse(req.body)).toEqual({ data: { values: { name: 'Ada' } } });
    });

    it('sends a form body urlencoded', async () => {
      const up = await upstream([json(200, { access_token: 'a' })]);
      await transport({
        baseUrl: up.baseUrl,
        method: 'POST',
        path: 'oauth/v2/token',
        form: { grant_type: 'refresh_token', refresh_token: 'r&t' },
      });
      expect(up.seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(up.seen[0].body).toBe('grant_type=refresh_token&refresh_token=r%26t');
    });

    it('answers an error status as a response (never throws), with readable headers and raw text', async () => {
      const up = await upstream([
        json(429, { code: 'rate_limit_exceeded' }, { 'retry-after': 'Sun, 01 Mar 2026 12:00:01 GMT' }),
        (_req, res) => {
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html>bad gateway</html>');
        },
        json(404, { message: 'no such record' }),
      ]);
      const limited = await transport({ baseUrl: up.baseUrl, method: 'GET', path: '/a' });
      expect(limited.status).toBe(429);
      expect(limited.json).toEqual({ code: 'rate_limit_exceeded' });
      expect(
        parseRetryAfterMs(limited.headers.get('Retry-After'), Date.parse('2026-03-01T12:00:00.250Z')),
      ).toBe(750);
      const html = await transport({ baseUrl: up.baseUrl, method: 'GET', path: '/b' });
      expect(html).toMatchObject({ status: 502, json: undefined });
      expect(html.text).toContain('bad gateway');
      const missing = await transport({ baseUrl: up.baseUrl, method: 'DELETE', path: '/c' });
      expect(missing).toMatchObject({ status: 404, json: { message: 'no such record' } });
      expect(up.seen.map((s) => s.method)).toEqual(['GET', 'GET', 'DELETE']);
    });

    it('keeps a JSON-looking text body as text (parsed once, into json)', async () => {
      const up = await upstream([json(200, '{"quoted":true}')]);
      const res = await transport({ baseUrl: up.baseUrl, method: 'GET', path: '/' });
      expect(res.text).toBe(JSON.stringify('{"quoted":true}'));
      expect(res.json).toBe('{"quoted":true}');
    });

    it('fails a refused connection so the policy reports unavailable/ECONNREFUSED (safe to re-send)', async () => {
      const up = await startUpstream([json(200, {})]);
      await new Promise((resolve) => up.server.close(resolve));
      const err = await policy()
        .read('get', (signal) => transport({ baseUrl: up.baseUrl, method: 'GET', path: '/', signal }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ kind: 'unavailable', upstream: { code: 'ECONNREFUSED' } });
      expect(surelyNotProcessed(err as UpstreamError)).toBe(true);
    });

    it('fails a connection reset after sending as unavailable (maybe processed: not safe for a `never` write)', async () => {
      const up = await upstream([(req) => req.socket.destroy()]);
      const err = await policy()
        .read('get', (signal) =>
          transport({ baseUrl: up.baseUrl, method: 'POST', path: '/', json: {}, signal }),
        )
        .catch((e: unknown) => e);
      // The code names the same event in each library's words: undici's UND_ERR_SOCKET, Node's ECONNRESET.
      expect(err).toMatchObject({
        kind: 'unavailable',
        upstream: { code: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/) },
      });
      expect(surelyNotProcessed(err as UpstreamError)).toBe(false);
    });

    it('is aborted through the signal when the policy times out', async () => {
      const up = await upstream([() => undefined /* never answers */]);
      const started = Date.now();
      const err = await policy(50)
        .read('get', (signal) => transport({ baseUrl: up.baseUrl, method: 'GET', path: '/', signal }))
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'unavailable', upstream: { code: 'ETIMEDOUT' } });
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('rejects with an AbortError when its signal is aborted (as fetch does)', async () => {
      const up = await upstream([() => undefined /* never answers */]);
      const controller = new AbortController();
      const pending = transport({ baseUrl: up.baseUrl, method: 'GET', path: '/', signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
}
