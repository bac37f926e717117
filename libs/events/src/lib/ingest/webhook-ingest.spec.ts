import { DomainError, ErrorCode, getCorrelationId, UpstreamError } from '@aia/platform';
import { EventHandlerRegistry } from '../handlers/event-handler.registry';
import { RedisDurabilityError } from '../inbox/redis-aof-durability';
import { StoredEvent } from '../inbox/stored-event';
import { waitFor } from '../queue/job-queue.contract';
import { EVENTS_STORE, EventsStore } from '../store/events-store';
import { EventsTestApp, startAlertSink, startEventsApp } from '../testing/events-test-app';
import { GOOD_SIGNATURE, TEST_SIGNATURE_HEADER } from '../testing/test-webhook.guard';
import { DrainState } from './drain-state';
import { EventIngestService } from './event-ingest.service';

// Ingest over HTTP (Fastify inject) against the real store, through TestWebhooksController: the endpoints
// as apps/api declares them, behind the test guard. The real guards are tested in apps/api
// (src/app/webhooks/webhooks.controller.spec.ts).

const zohoEvent = (id: string, type = 'invoice_created', extra: Record<string, unknown> = {}) => ({
  id,
  type,
  data: { invoice: { invoice_id: `inv-${id}` } },
  ...extra,
});

describe('webhook endpoints', () => {
  let t: EventsTestApp;
  let store: EventsStore;
  let handled: StoredEvent[];

  const post = (platform: string, body: unknown, signature = GOOD_SIGNATURE) =>
    t.app.inject({
      method: 'POST',
      url: `/webhooks/${platform}`,
      headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: signature },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeEach(async () => {
    t = await startEventsApp();
    store = t.app.get<EventsStore>(EVENTS_STORE);
    handled = [];
    t.app.get(EventHandlerRegistry).register('zoho', 'invoice_created', (e) => {
      handled.push(e);
    });
  });
  afterEach(() => t.close());

  it('stores a verified webhook, answers 200 at once and processes it in a worker', async () => {
    const res = await post('zoho', zohoEvent('evt-1'));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ id: string; status: string; state: string }>();
    expect(body).toMatchObject({ status: 'accepted', state: 'pending' });
    await waitFor(async () => (await store.inbox.get(body.id))?.state === 'done');
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({ platform: 'zoho', eventId: 'evt-1', type: 'invoice_created' });
    expect(handled[0].rawBody).toBe(JSON.stringify(zohoEvent('evt-1')));
    const stored = await store.inbox.get(body.id);
    expect(stored?.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'succeeded' })]);
  });

  it("runs the handler under the delivering request's correlation id", async () => {
    const seen: Array<string | undefined> = [];
    t.app.get(EventHandlerRegistry).register('zoho', 'subscription_created', () => {
      seen.push(getCorrelationId());
    });
    const given = await t.app.inject({
      method: 'POST',
      url: '/webhooks/zoho',
      headers: {
        'content-type': 'application/json',
        [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE,
        'x-correlation-id': 'zoho-delivery-42',
      },
      payload: JSON.stringify(zohoEvent('evt-corr-1', 'subscription_created')),
    });
    const made = await post('zoho', zohoEvent('evt-corr-2', 'subscription_created'));
    await waitFor(async () => seen.length === 2);
    expect(given.headers['x-correlation-id']).toBe('zoho-delivery-42');
    expect(seen.sort()).toEqual([made.headers['x-correlation-id'], 'zoho-delivery-42'].sort());
  });

  it('answers a repeat delivery 200 without queueing it again', async () => {
    const first = await post('zoho', zohoEvent('evt-dup'));
    await waitFor(async () => (await store.inbox.get(first.json<{ id: string }>().id))?.state === 'done');
    const again = await post('zoho', zohoEvent('evt-dup'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      id: first.json<{ id: string }>().id,
      status: 'duplicate',
      state: 'done',
    });
    const jobs = await store.queue.counts();
    expect(jobs.completed + jobs.waiting + jobs.active + jobs.delayed).toBe(1);
    expect(handled).toHaveLength(1);
    expect((await store.inbox.list({ limit: 10, offset: 0 })).total).toBe(1);
  });

  it('stores an event of an unhandled type as ignored, with 200 and no job', async () => {
    const res = await post('zoho', zohoEvent('evt-x', 'card_expiring'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ignored', state: 'ignored' });
    expect((await store.queue.list()).total).toBe(0);
  });

  it('acknowledges the Braintree check kind', async () => {
    const res = await post('braintree', { id: 'sha256-of-payload', type: 'check' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ignored' });
  });

  it('rejects a bad signature with 401 in the standard shape and stores nothing', async () => {
    const res = await post('attio', { id: 'a-1', type: 'record.updated' }, 'forged');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
    expect((await store.inbox.stats()).total).toBe(0);
  });

  it('refuses a 2 MiB body with 413 in the standard shape', async () => {
    const big = JSON.stringify({ id: 'big', type: 'invoice_created', blob: 'x'.repeat(2 * 1024 * 1024) });
    const res = await post('zoho', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
    expect((await store.inbox.stats()).total).toBe(0);
  });

  it('refuses, as a wiring bug, a request its guard did not verify or verified for another platform', async () => {
    const ingest = t.app.get(EventIngestService);
    const wiringBug = {
      code: ErrorCode.Internal,
      message: 'The zoho webhook guard did not verify the request',
    };
    await expect(ingest.ingestRequest('zoho', {})).rejects.toMatchObject(wiringBug);
    const attio = { platform: 'attio' as const, eventId: 'a', type: 't', payload: {}, rawBody: '{}' };
    const other = { verifiedWebhook: { ...attio, headers: {}, receivedAt: new Date().toISOString() } };
    await expect(ingest.ingestRequest('zoho', other)).rejects.toBeInstanceOf(DomainError);
    expect((await store.inbox.stats()).total).toBe(0);
  });

  it('answers 503 while draining for shutdown', async () => {
    t.app.get(DrainState).start();
    const res = await post('zoho', zohoEvent('evt-late'));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
    expect((await store.inbox.stats()).total).toBe(0);
  });

  it('answers 503 (the platform retries) when the store cannot make the write durable', async () => {
    // What RedisEventInbox throws under redisDurability 'waitaof' on a server without WAITAOF, or when
    // the AOF fsync did not come in time.
    jest
      .spyOn(store.inbox, 'insert')
      .mockRejectedValue(new RedisDurabilityError("redisDurability 'waitaof': WAITAOF needs Redis >= 7.2"));
    const res = await post('zoho', zohoEvent('evt-not-durable'));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: { code: 'service_unavailable', message: expect.stringContaining('not stored durably') },
    });
  });
});

describe('failing handlers', () => {
  it('dead-letters after the last attempt, records every error and sends one alert', async () => {
    const sink = await startAlertSink();
    const t = await startEventsApp({ env: { ALERT_WEBHOOK_URL: sink.url } });
    try {
      const store = t.app.get<EventsStore>(EVENTS_STORE);
      t.app.get(EventHandlerRegistry).register('attio', 'record.updated', () => {
        throw new UpstreamError('zoho', 'unavailable', 'HTTP 503 from Zoho');
      });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/webhooks/attio',
          headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
          payload: JSON.stringify({ id: `idem-${i}`, type: 'record.updated' }),
        });
        ids.push(res.json<{ id: string }>().id);
      }
      await waitFor(async () => (await store.inbox.stats()).byState.dead === 5, 8_000);
      const detail = await store.inbox.get(ids[0]);
      expect(detail?.attempts).toBe(2);
      expect(detail?.attemptLog.map((a) => a.outcome)).toEqual(['failed', 'failed']);
      expect(detail?.attemptLog[0].error).toEqual({
        name: 'UpstreamError',
        message: 'zoho: HTTP 503 from Zoho',
        temporary: true,
      });
      await waitFor(() => sink.messages.length >= 1);
      await new Promise((r) => setTimeout(r, 100));
      // Five dead letters of one kind make one alert, not five.
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0].text).toMatch(/Dead letter: attio record.updated event idem-\d/);
    } finally {
      await t.close();
      await sink.close();
    }
  });
});
