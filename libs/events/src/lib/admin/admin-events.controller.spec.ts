import { Platform, UpstreamError } from '@aia/platform';
import { EventHandlerRegistry } from '../handlers/event-handler.registry';
import { waitFor } from '../queue/job-queue.contract';
import { EVENTS_STORE, EventsStore } from '../store/events-store';
import { ADMIN_TOKEN, EventsTestApp, startEventsApp } from '../testing/events-test-app';
import { GOOD_SIGNATURE, TEST_SIGNATURE_HEADER } from '../testing/test-webhook.guard';

describe('admin API', () => {
  let t: EventsTestApp;
  let store: EventsStore;
  let failing: boolean;

  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const get = (url: string, headers: Record<string, string> = auth) =>
    t.app.inject({ method: 'GET', url, headers });
  const post = (url: string, body?: unknown, headers: Record<string, string> = auth) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const webhook = async (platform: Platform, id: string, type: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: `/webhooks/${platform}`,
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
        payload: JSON.stringify({ id, type }),
      })
    ).json<{ id: string }>().id;

  beforeEach(async () => {
    t = await startEventsApp();
    store = t.app.get<EventsStore>(EVENTS_STORE);
    failing = true;
    t.app.get(EventHandlerRegistry).register('zoho', 'payment_declined', () => {
      if (failing) throw new UpstreamError('braintree', 'validation', 'card refused');
    });
    t.app.get(EventHandlerRegistry).register('attio', 'record.updated', () => undefined);
  });
  afterEach(() => t.close());

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['another scheme', { authorization: `Basic ${ADMIN_TOKEN}` }],
  ])('refuses %s with 401 in the standard shape', async (_label, headers) => {
    for (const url of ['/admin/events', '/admin/stats']) {
      const res = await get(url, headers as Record<string, string>);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('lists events newest first, paged and filtered', async () => {
    for (let i = 0; i < 3; i++) await webhook('attio', `a-${i}`, 'record.updated');
    await webhook('zoho', 'z-1', 'card_expiring');
    await webhook('zoho', 'z-2', 'card_expiring');
    const page = await get('/admin/events?limit=2&offset=1');
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.json<{ items: unknown[] }>().items).toHaveLength(2);

    const ignored = (await get('/admin/events?state=ignored&platform=zoho&type=card_expiring')).json<{
      items: Array<{ eventId: string; payload?: unknown }>;
      total: number;
    }>();
    expect(ignored.total).toBe(2);
    expect(ignored.items.map((e) => e.eventId).sort()).toEqual(['z-1', 'z-2']);
    expect(ignored.items[0].payload).toBeUndefined();
    expect((await get('/admin/events?platform=attio')).json<{ total: number }>().total).toBe(3);
  });

  it.each(['state=lost', 'platform=stripe', 'limit=0', 'limit=500', 'offset=-1', 'colour=red'])(
    'answers 400 in the standard shape for ?%s',
    async (qs) => {
      const res = await get(`/admin/events?${qs}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed', details: expect.any(Array) } });
    },
  );

  it('shows one event with its payload, attempts and errors; 404 for unknown and malformed ids', async () => {
    const id = await webhook('zoho', 'z-dead', 'payment_declined');
    await waitFor(async () => (await store.inbox.get(id))?.state === 'dead');
    const res = await get(`/admin/events/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      state: 'dead',
      payload: { id: 'z-dead', type: 'payment_declined' },
      attempts: 1,
      attemptLog: [{ attempt: 1, outcome: 'failed', error: { name: 'UpstreamError', temporary: false } }],
    });
    for (const bad of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const missing = await get(`/admin/events/${bad}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
    expect((await post('/admin/events/not-an-id/retry')).statusCode).toBe(404);
  });

  it('retries a dead letter once the cause is fixed', async () => {
    const id = await webhook('zoho', 'z-fix', 'payment_declined');
    await waitFor(async () => (await store.inbox.get(id))?.state === 'dead');
    failing = false;
    const res = await post(`/admin/events/${id}/retry`);
    expect(res.statusCode).toBe(200);
    await waitFor(async () => (await store.inbox.get(id))?.state === 'done');
    const detail = (await get(`/admin/events/${id}`)).json<{ attemptLog: Array<{ outcome: string }> }>();
    // The failed attempt before the manual retry stays in the log.
    expect(detail.attemptLog.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    // A done event cannot be retried by hand (its side effects already happened).
    const again = await post(`/admin/events/${id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it('discards a dead letter with a reason; 400 without one; 409 for a done event', async () => {
    const id = await webhook('zoho', 'z-drop', 'payment_declined');
    await waitFor(async () => (await store.inbox.get(id))?.state === 'dead');
    for (const body of [undefined, {}, { reason: '' }, { reason: 'x', extra: 1 }]) {
      const res = await post(`/admin/events/${id}/discard`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const res = await post(`/admin/events/${id}/discard`, { reason: 'invoice voided by finance' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'discarded', discardReason: 'invoice voided by finance' });
    expect((await store.queue.get(`event:${id}`))?.state).toBe('discarded');

    const done = await webhook('attio', 'a-done', 'record.updated');
    await waitFor(async () => (await store.inbox.get(done))?.state === 'done');
    expect((await post(`/admin/events/${done}/discard`, { reason: 'late' })).statusCode).toBe(409);
  });

  it('reports counts by state, oldest pending age and dead letters', async () => {
    await webhook('zoho', 'z-s1', 'payment_declined');
    await webhook('zoho', 'z-s2', 'card_expiring');
    await waitFor(async () => (await store.inbox.stats()).byState.dead === 1);
    const res = await get('/admin/stats');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      backend: 'sqlite',
      events: {
        byState: { dead: 1, ignored: 1, pending: 0 },
        deadLetters: 1,
        oldestPendingAgeSeconds: null,
        total: 2,
      },
      jobs: { dead: 1 },
    });
  });
});
