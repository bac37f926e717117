/*
 * CORS and security headers of the API as configureHttpApp sets them (the real app over real HTTP, so what a
 * browser would see): CORS open to CHECKOUT_PUBLIC_URL only, for the methods and headers the checkout page
 * uses, never with credentials, never for the admin token or a webhook signature; helmet's headers on every
 * kind of answer (a normal route, errors of each layer, webhook answers).
 */
import { createHmac } from 'node:crypto';
import { ADMIN_TOKEN, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import { createCompany, requestCheckout } from '../testing/flow.fixtures';

jest.setTimeout(60_000);

const CHECKOUT_ORIGIN = 'https://pay.example.com';

describe('CORS and security headers of the API', () => {
  let stack: ApiStack;
  let token: string;

  beforeAll(async () => {
    stack = await startApiStack({ env: { CHECKOUT_PUBLIC_URL: CHECKOUT_ORIGIN } });
    token = await requestCheckout(stack, await createCompany(stack, 'Cors Co'));
  });
  afterAll(() => stack?.close());

  const request = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    fetch(`${stack.apiUrl}${path}`, { method, headers, body });
  const preflight = (path: string, origin: string, method = 'POST', requestHeaders = 'content-type') =>
    request('OPTIONS', path, {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': requestHeaders,
    });
  const corsHeaders = (res: Response) =>
    Object.fromEntries([...res.headers.entries()].filter(([k]) => k.startsWith('access-control-')));

  describe('CORS', () => {
    it('opens the API to CHECKOUT_PUBLIC_URL (checkout page and ops page): GET/POST, content-type, authorization and the correlation id, no credentials', async () => {
      const pre = await preflight(`/checkout/sessions/${token}/complete`, CHECKOUT_ORIGIN);
      expect(pre.status).toBe(204);
      expect(corsHeaders(pre)).toEqual({
        'access-control-allow-origin': CHECKOUT_ORIGIN,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, authorization, x-correlation-id',
        'access-control-max-age': '600',
      });
      const get = await request('GET', `/checkout/sessions/${token}`, { origin: CHECKOUT_ORIGIN });
      expect(get.status).toBe(200);
      expect(get.headers.get('access-control-allow-origin')).toBe(CHECKOUT_ORIGIN);
      expect(get.headers.get('access-control-allow-credentials')).toBeNull();
      expect(get.headers.get('vary')).toMatch(/origin/i);
    });

    it.each([
      'https://evil.example',
      'https://pay.example.com.evil.example',
      'https://evilpay.example.com',
      'http://pay.example.com',
      'https://pay.example.com:8443',
      'null',
    ])('gives %s no access-control-allow-origin, on a preflight and on a request', async (origin) => {
      const pre = await preflight(`/checkout/sessions/${token}/complete`, origin);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      const get = await request('GET', `/checkout/sessions/${token}`, { origin });
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
      const admin = await request('GET', '/admin/stats', { origin, authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('lets the checkout origin send a bearer token (the ops page) but never a webhook signature or cookies', async () => {
      // configureHttpApp applies one CORS policy to every route. The ops page is served from the checkout
      // origin and sends the admin token as `Authorization: Bearer` (kept in the tab's sessionStorage, never
      // a cookie), so `authorization` is allowed; credentials (cookies) never are, and no webhook signature
      // header is, so a script on that origin cannot sign a webhook. Other origins get nothing (above).
      for (const [path, header] of [
        ['/admin/events', 'authorization'],
        ['/admin/checkout-sessions', 'authorization,content-type'],
        ['/webhooks/attio', 'attio-signature,content-type'],
        ['/webhooks/zoho', 'x-zoho-webhook-signature,content-type'],
      ]) {
        const pre = await preflight(path, CHECKOUT_ORIGIN, 'POST', header);
        const allowed = (pre.headers.get('access-control-allow-headers') ?? '')
          .toLowerCase()
          .split(/\s*,\s*/);
        expect({ path, allowed }).toEqual({
          path,
          allowed: ['content-type', 'authorization', 'x-correlation-id'],
        });
        expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
        expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
      }
      // Methods beyond GET/POST are not offered to anyone.
      const del = await preflight('/admin/events', CHECKOUT_ORIGIN, 'DELETE');
      expect(del.headers.get('access-control-allow-methods')).toBe('GET, POST');
    });
  });

  describe('security headers', () => {
    const EXPECTED = {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-permitted-cross-domain-policies': 'none',
      'origin-agent-cluster': '?1',
      'x-xss-protection': '0',
    };
    const sign = (body: string) =>
      createHmac('sha256', stack.config.attio.webhookSecrets[0]).update(body).digest('hex');
    const attioBody = JSON.stringify({ webhook_id: 'security-spec', events: [] });

    const answers: Array<[string, () => Promise<Response>, number]> = [
      ['a normal route (liveness)', () => request('GET', '/health/live'), 200],
      ['a checkout session', () => request('GET', `/checkout/sessions/${token}`), 200],
      ['an unknown route (404 from the router)', () => request('GET', '/nope'), 404],
      ['a forged checkout token (404 domain error)', () => request('GET', '/checkout/sessions/x.y.z'), 404],
      ['an admin call without the token (401 from a guard)', () => request('GET', '/admin/stats'), 401],
      [
        'malformed JSON (400 from the body parser)',
        () =>
          request(
            'POST',
            `/checkout/sessions/${token}/complete`,
            { 'content-type': 'application/json' },
            '{',
          ),
        400,
      ],
      [
        'a body over 1 MiB (413)',
        () =>
          request(
            'POST',
            '/webhooks/attio',
            { 'content-type': 'application/json' },
            JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
          ),
        413,
      ],
      [
        'a webhook with a bad signature (401)',
        () =>
          request(
            'POST',
            '/webhooks/attio',
            { 'content-type': 'application/json', 'attio-signature': '0'.repeat(64) },
            attioBody,
          ),
        401,
      ],
      [
        'an accepted webhook',
        () =>
          request(
            'POST',
            '/webhooks/attio',
            {
              'content-type': 'application/json',
              'attio-signature': sign(attioBody),
              'idempotency-key': 'security-spec-1',
            },
            attioBody,
          ),
        200,
      ],
    ];

    it.each(answers)('are on %s', async (_name, send, status) => {
      const res = await send();
      expect(res.status).toBe(status);
      const headers = Object.fromEntries(res.headers.entries());
      expect(headers).toMatchObject(EXPECTED);
      const csp = headers['content-security-policy'] ?? '';
      for (const directive of [
        "default-src 'self'",
        "frame-ancestors 'self'",
        "object-src 'none'",
        "base-uri 'self'",
      ]) {
        expect(csp).toContain(directive);
      }
      expect(headers['x-powered-by']).toBeUndefined();
      expect(headers['x-correlation-id']).toBeDefined();
    });

    it('leave preflights alone: @fastify/cors answers them first, an empty 204 with nothing to render', async () => {
      const pre = await preflight('/checkout/sessions/x', CHECKOUT_ORIGIN);
      expect(pre.status).toBe(204);
      expect(await pre.text()).toBe('');
      expect(pre.headers.get('content-type')).toBeNull();
    });

    it('never put a stack trace or internal detail in an error body', async () => {
      const res = await request(
        'POST',
        `/checkout/sessions/${token}/complete`,
        { 'content-type': 'application/json' },
        '{',
      );
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      });
      expect(text).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|\/work\//);
    });
  });
});
