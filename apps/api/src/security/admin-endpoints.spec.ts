/*
 * The admin API behind ADMIN_TOKEN: every admin route (found in the running app, so a new one is covered
 * without editing this file) refuses every malformed or wrong credential with 401 in the standard error
 * shape, and nothing changes. The guard's comparison is constant-time by construction: both sides are
 * SHA-256 digests of equal length compared with crypto.timingSafeEqual (a unit test, not a timing measurement).
 */
import crypto from 'node:crypto';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AdminTokenGuard } from '@aia/events';
import type { AppConfig } from '@aia/platform';
import { ADMIN_TOKEN, eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  complete,
  createCompany,
  notesOf,
  paidInvoices,
  recordValues,
  requestCheckout,
  tokenizeCard,
} from '../testing/flow.fixtures';

jest.setTimeout(60_000);

interface AdminRoute {
  method: 'GET' | 'POST';
  path: string;
}

/** The app's routes under /admin, with the guards of their controller and handler. */
function adminRoutes(stack: ApiStack): Array<AdminRoute & { guards: unknown[] }> {
  const scanner = new MetadataScanner();
  const routes: Array<AdminRoute & { guards: unknown[] }> = [];
  for (const wrapper of stack.app.get(DiscoveryService).getControllers()) {
    const { metatype, instance } = wrapper;
    if (!metatype || !instance) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '').replace(/^\/|\/$/g, '');
    if (!base.startsWith('admin')) continue;
    const classGuards = (Reflect.getMetadata(GUARDS_METADATA, metatype) ?? []) as unknown[];
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as object;
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (sub === undefined || method === undefined) continue;
      routes.push({
        method: RequestMethod[method] as 'GET' | 'POST',
        path: `/${[base, sub.replace(/^\/|\/$/g, '')].filter(Boolean).join('/')}`,
        guards: [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[])],
      });
    }
  }
  return routes;
}

describe('admin endpoints: the admin token and nothing else', () => {
  let stack: ApiStack;
  let routes: Array<AdminRoute & { guards: unknown[] }>;
  let recordId: string;
  let eventId: string;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    stack = await startApiStack();
    routes = adminRoutes(stack);
    // Something for the write endpoints to act on: a subscribed customer, stored events.
    recordId = await createCompany(stack, 'Admin Target');
    const token = await requestCheckout(stack, recordId, 'basic-monthly');
    expect((await complete(stack, token, await tokenizeCard(stack))).status).toBe(200);
    await paidInvoices(stack, recordValues(stack, recordId)['zoho_customer_id'] as string, 1);
    // The deliveries our own writes cause arrive and are processed: the event list stops changing.
    let last = '';
    await eventually(
      'the event pipeline to settle',
      async () => {
        const now = JSON.stringify(
          (await api(stack, 'GET', '/admin/events?limit=200', undefined, auth)).body,
        );
        const settled = now === last && !/"state":"(pending|processing|retrying)"/.test(now);
        last = now;
        await new Promise((r) => setTimeout(r, 300));
        return settled;
      },
      20_000,
    );
    const events = await api<{ items: Array<{ id: string }> }>(
      stack,
      'GET',
      '/admin/events',
      undefined,
      auth,
    );
    eventId = events.body.items[0].id;
  });
  afterAll(() => stack?.close());

  const concrete = (path: string) => path.replace(':id', eventId);
  const bodyFor = (route: AdminRoute) =>
    route.path === '/admin/checkout-sessions'
      ? { record_id: recordId, mode: 'update_card' }
      : route.path.endsWith('/discard')
        ? { reason: 'attacker' }
        : route.path.endsWith('/heal')
          ? { from: '2000-01-01', to: '2100-01-01' }
          : undefined;
  const queryFor = (route: AdminRoute) =>
    route.path.startsWith('/admin/reconciliation') ? '?from=2000-01-01&to=2100-01-01' : '';

  it('finds every admin route, each behind AdminTokenGuard', () => {
    const listed = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /admin/events',
        'GET /admin/events/:id',
        'POST /admin/events/:id/retry',
        'POST /admin/events/:id/discard',
        'GET /admin/stats',
        'POST /admin/checkout-sessions',
        'GET /admin/reconciliation',
        'POST /admin/reconciliation/heal',
      ]),
    );
    for (const r of routes)
      expect({ route: `${r.method} ${r.path}`, guarded: r.guards.includes(AdminTokenGuard) }).toEqual({
        route: `${r.method} ${r.path}`,
        guarded: true,
      });
  });

  it('answers 401 in the standard error shape to every wrong credential, on every route, and changes nothing', async () => {
    const sameLength = ADMIN_TOKEN.slice(0, -1) + (ADMIN_TOKEN.endsWith('x') ? 'y' : 'x');
    const credentials: Record<string, { headers?: Record<string, string>; query?: string }> = {
      'no Authorization header': {},
      'a wrong token': { headers: { authorization: 'Bearer not-the-admin-token' } },
      'a wrong token of the right length': { headers: { authorization: `Bearer ${sameLength}` } },
      'a prefix of the token': { headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -3)}` } },
      'the token with a suffix': { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } },
      'the token without the Bearer scheme': { headers: { authorization: ADMIN_TOKEN } },
      'the token under another scheme (Basic)': {
        headers: { authorization: `Basic ${Buffer.from(`${ADMIN_TOKEN}:`).toString('base64')}` },
      },
      'the token under another scheme (Token)': { headers: { authorization: `Token ${ADMIN_TOKEN}` } },
      '"Bearer" and nothing else': { headers: { authorization: 'Bearer ' } },
      'two tokens': { headers: { authorization: `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}` } },
      'a lowercase scheme with a wrong token': { headers: { authorization: `bearer ${sameLength}` } },
      'the token in the query string (token=)': { query: `token=${ADMIN_TOKEN}` },
      'the token in the query string (access_token=)': { query: `access_token=${ADMIN_TOKEN}` },
      'the token in another header': { headers: { 'x-admin-token': ADMIN_TOKEN } },
      'the token in a cookie': { headers: { cookie: `token=${ADMIN_TOKEN}` } },
    };
    const before = {
      events: (await api(stack, 'GET', '/admin/events?limit=200', undefined, auth)).body,
      record: recordValues(stack, recordId),
      notes: notesOf(stack, recordId).length,
      btCards: stack.braintree.state.cards.size,
      payments: stack.zoho.state.payments.size,
    };
    const upstream = [stack.attio, stack.zoho, stack.braintree].map((e) =>
      jest.spyOn(e.server.faults, 'decide'),
    );
    try {
      for (const route of routes) {
        for (const [name, { headers = {}, query }] of Object.entries(credentials)) {
          const q = queryFor(route);
          const path = `${concrete(route.path)}${q}${query ? `${q ? '&' : '?'}${query}` : ''}`;
          const res = await api(stack, route.method, path, bodyFor(route), headers);
          expect({
            route: `${route.method} ${route.path}`,
            name,
            status: res.status,
            body: res.body,
          }).toEqual({
            route: `${route.method} ${route.path}`,
            name,
            status: 401,
            body: { error: { code: 'unauthorized', message: 'A valid admin bearer token is required' } },
          });
        }
      }
      expect(upstream.map((s) => s.mock.calls.length)).toEqual([0, 0, 0]);
    } finally {
      for (const spy of upstream) spy.mockRestore();
    }
    expect({
      events: (await api(stack, 'GET', '/admin/events?limit=200', undefined, auth)).body,
      record: recordValues(stack, recordId),
      notes: notesOf(stack, recordId).length,
      btCards: stack.braintree.state.cards.size,
      payments: stack.zoho.state.payments.size,
    }).toEqual(before);
  });

  it('accepts the token as Bearer credentials; the scheme is case-insensitive (RFC 7235 §2.1)', async () => {
    for (const authorization of [`Bearer ${ADMIN_TOKEN}`, `bearer ${ADMIN_TOKEN}`, `BEARER ${ADMIN_TOKEN}`]) {
      expect((await api(stack, 'GET', '/admin/stats', undefined, { authorization })).status).toBe(200);
    }
  });
});

describe('AdminTokenGuard compares fixed-length digests with crypto.timingSafeEqual', () => {
  const context = (authorization?: string) =>
    ({
      switchToHttp: () => ({
        getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }),
      }),
    }) as unknown as ExecutionContext;
  const guardFor = (token: string) => new AdminTokenGuard({ adminToken: token } as AppConfig);
  const REFUSED = 'A valid admin bearer token is required';
  const sha256 = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['an empty token', ''],
    ['a one-character token', 'x'],
    ['a wrong token of the right length', 'guard-test-admin-tokeX'],
    ['the right token', 'guard-test-admin-token'],
    ['a 10 000-character token', 'y'.repeat(10_000)],
  ])(
    '%s: one timingSafeEqual over two 32-byte digests, the expected one the digest of ADMIN_TOKEN',
    (_n, given) => {
      const spy = jest.spyOn(crypto, 'timingSafeEqual');
      const guard = guardFor('guard-test-admin-token');
      let allowed: boolean;
      try {
        allowed = guard.canActivate(context(`Bearer ${given}`));
      } catch (err) {
        expect(err).toMatchObject({ name: 'DomainError', code: 'unauthorized', message: REFUSED });
        allowed = false;
      }
      expect(allowed).toBe(given === 'guard-test-admin-token');
      // An empty credential does not match the header pattern at all (nothing to compare); every other is compared.
      if (given === '') return expect(spy).not.toHaveBeenCalled();
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
      expect(a.equals(sha256(given))).toBe(true);
      expect(b.equals(sha256('guard-test-admin-token'))).toBe(true);
    },
  );

  it('never compares the raw strings (no ===, no Buffer.compare on the token itself)', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const guard = guardFor('guard-test-admin-token');
    expect(() => guard.canActivate(context('Bearer guard-test-admin-tokeX'))).toThrow(REFUSED);
    const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
    expect(a.toString('utf8')).not.toContain('guard-test');
    expect(b.toString('utf8')).not.toContain('guard-test');
  });

  it('an empty ADMIN_TOKEN disables the admin API: even an empty Bearer is refused', () => {
    const guard = guardFor('');
    for (const h of [undefined, 'Bearer ', 'Bearer x', 'Bearer sandbox-admin-token']) {
      expect(() => guard.canActivate(context(h))).toThrow(REFUSED);
    }
  });
});
