import { randomUUID } from 'node:crypto';
import { UpstreamError } from '@aia/platform';
import { EventHandlerRegistry } from './handlers/event-handler.registry';
import { EventsHealthIndicator } from './health/events-health.indicator';
import { waitFor } from './queue/job-queue.contract';
import { EVENTS_STORE, EventsStore } from './store/events-store';
import { ADMIN_TOKEN, EventsTestApp, startEventsApp } from './testing/events-test-app';
import { deleteKeys, requireRedis, TEST_REDIS_URL } from './testing/redis-test-env';
import { GOOD_SIGNATURE, TEST_SIGNATURE_HEADER } from './testing/test-webhook.guard';

beforeAll(async () => {
  await requireRedis();
});

describe('EventsModule on Redis (REDIS_URL set)', () => {
  let t: EventsTestApp;
  let prefix: string;
  let failing: boolean;

  const webhook = (id: string, type: string) =>
    t.app.inject({
      method: 'POST',
      url: '/webhooks/zoho',
      headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
      payload: JSON.stringify({ id, type }),
    });

  beforeEach(async () => {
    prefix = `aiatest-${randomUUID().slice(0, 8)}`;
    t = await startEventsApp({ env: { REDIS_URL: TEST_REDIS_URL }, options: { redisPrefix: prefix } });
    failing = true;
    t.app.get(EventHandlerRegistry).register('zoho', 'payment_declined', () => {
      if (failing) throw new UpstreamError('zoho', 'validation', 'bad');
    });
  });
  afterEach(async () => {
    await t.close();
    await deleteKeys(`${prefix}:*`);
  });

  it('stores, dedupes, processes, dead-letters and retries through BullMQ and the Redis inbox', async () => {
    const store = t.app.get<EventsStore>(EVENTS_STORE);
    expect(store.queue.kind).toBe('bullmq');
    const first = await webhook('z-1', 'payment_declined');
    expect(first.statusCode).toBe(200);
    const { id } = first.json<{ id: string }>();
    expect((await webhook('z-1', 'payment_declined')).json()).toMatchObject({ id, status: 'duplicate' });
    await waitFor(async () => (await store.inbox.get(id))?.state === 'dead');

    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const stats = await t.app.inject({ method: 'GET', url: '/admin/stats', headers: auth });
    expect(stats.json()).toMatchObject({ backend: 'bullmq', events: { deadLetters: 1 }, jobs: { dead: 1 } });

    failing = false;
    const retry = await t.app.inject({ method: 'POST', url: `/admin/events/${id}/retry`, headers: auth });
    expect(retry.statusCode).toBe(200);
    await waitFor(async () => (await store.inbox.get(id))?.state === 'done');
    const health = await t.app.get(EventsHealthIndicator).isHealthy('store');
    expect(health).toMatchObject({ store: { status: 'up', backend: 'bullmq' } });
  });
});

describe('EventsModule retention on Redis', () => {
  it('the sweep deletes finished events with their dedupe keys; a repeat is then a new event', async () => {
    const prefix = `aiatest-${randomUUID().slice(0, 8)}`;
    const t = await startEventsApp({
      env: { REDIS_URL: TEST_REDIS_URL },
      options: { redisPrefix: prefix, retention: { eventsMs: 100, intervalMs: 25, batch: 2 } },
    });
    try {
      const send = (id: string) =>
        t.app.inject({
          method: 'POST',
          url: '/webhooks/zoho',
          headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
          payload: JSON.stringify({ id, type: 'card_expiring' }),
        });
      const store = t.app.get<EventsStore>(EVENTS_STORE);
      const first = (await send('r-1')).json<{ id: string; status: string }>();
      for (let i = 2; i <= 4; i++) await send(`r-${i}`);
      expect(first.status).toBe('ignored');
      await waitFor(async () => (await store.inbox.stats()).total === 0);
      const again = (await send('r-1')).json<{ id: string; status: string }>();
      expect(again.status).toBe('ignored');
      expect(again.id).not.toBe(first.id);
    } finally {
      await t.close();
      await deleteKeys(`${prefix}:*`);
    }
  });
});
