import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { Registry } from 'prom-client';
import { EventHandlerRegistry } from './handlers/event-handler.registry';
import { EventsHealthIndicator } from './health/events-health.indicator';
import { PermanentJobError } from './queue/job-errors';
import { FAST_TUNING, waitFor } from './queue/job-queue.contract';
import { eventsDbPath } from './store/sqlite-database';
import { EVENTS_STORE, EventsStore } from './store/events-store';
import { startAlertSink, startEventsApp } from './testing/events-test-app';
import { GOOD_SIGNATURE, TEST_SIGNATURE_HEADER } from './testing/test-webhook.guard';

describe('EventsModule wiring', () => {
  it('declares no webhook endpoint of its own: the app mounts them behind the platform guards', async () => {
    const t = await startEventsApp({ webhooks: false });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/webhooks/zoho',
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
        payload: JSON.stringify({ id: 'z-1', type: 'invoice_created' }),
      });
      expect(res.statusCode).toBe(404);
      expect((await t.app.get<EventsStore>(EVENTS_STORE).inbox.stats()).total).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('lets a running job finish on shutdown and closes the store', async () => {
    const t = await startEventsApp({ options: { shutdownGraceMs: 2_000 } });
    try {
      let finished = false;
      t.app.get(EventHandlerRegistry).register('zoho', 'invoice_created', async () => {
        await new Promise((r) => setTimeout(r, 200));
        finished = true;
      });
      const store = t.app.get<EventsStore>(EVENTS_STORE);
      const res = await t.app.inject({
        method: 'POST',
        url: '/webhooks/zoho',
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
        payload: JSON.stringify({ id: 'slow-1', type: 'invoice_created' }),
      });
      const { id } = res.json<{ id: string }>();
      await waitFor(async () => (await store.inbox.get(id))?.state === 'processing');
      await t.app.close();
      expect(finished).toBe(true);
      const db = new Database(eventsDbPath(t.dataDir), { readonly: true });
      expect(db.prepare('SELECT state FROM events WHERE id = ?').get(id)).toEqual({ state: 'done' });
      db.close();
    } finally {
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  });

  it('reports store health and queue depth metrics', async () => {
    const registry = new Registry();
    const t = await startEventsApp({ options: { metricsRegistry: registry } });
    try {
      expect(await t.app.get(EventsHealthIndicator).isHealthy('store')).toMatchObject({
        store: { status: 'up', backend: 'sqlite' },
      });
      await t.app.inject({
        method: 'POST',
        url: '/webhooks/zoho',
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
        payload: JSON.stringify({ id: 'm-1', type: 'card_expiring' }),
      });
      const text = await registry.metrics();
      expect(text).toMatch(/events_inbox_events\{state="ignored"\} 1/);
      expect(text).toMatch(/events_queue_jobs\{state="dead"\} 0/);
      expect(text).toMatch(/events_webhooks_total\{platform="zoho",outcome="ignored"\} 1/);
    } finally {
      await t.close();
    }
  });

  it('alerts when the queue itself fails (a broken poll loop stops every job)', async () => {
    const sink = await startAlertSink();
    const t = await startEventsApp({ env: { ALERT_WEBHOOK_URL: sink.url } });
    try {
      const db = new Database(eventsDbPath(t.dataDir));
      db.exec('DROP TABLE jobs');
      db.close();
      await waitFor(() => sink.messages.length > 0);
      expect(sink.messages[0].text).toMatch(/Unexpected error in job queue poll/);
    } finally {
      await t.close();
      await sink.close();
    }
  });

  it('warns at start when events would be deleted before their jobs, and only then', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const retention = { eventsMs: 100, intervalMs: 60_000, batch: 10 };
    try {
      await (await startEventsApp({ options: { retention } })).close();
      await (
        await startEventsApp({ options: { queue: { ...FAST_TUNING, retentionMs: 50 }, retention } })
      ).close();
      const about = warn.mock.calls.map((c) => String(c[0])).filter((m) => /shorter than queue/.test(m));
      // Only the first app keeps events (100 ms) for less time than jobs (FAST_TUNING's retention).
      expect(about).toEqual([
        expect.stringMatching(/^retention\.eventsMs \(100\) is shorter than queue\.retentionMs/),
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('deletes finished events past retention on its sweep, keeps dead ones, and alerts if it fails', async () => {
    const sink = await startAlertSink();
    const registry = new Registry();
    const t = await startEventsApp({
      env: { ALERT_WEBHOOK_URL: sink.url },
      options: { metricsRegistry: registry, retention: { eventsMs: 100, intervalMs: 25, batch: 2 } },
    });
    try {
      const handlers = t.app.get(EventHandlerRegistry);
      handlers.register('zoho', 'invoice_created', () => undefined);
      handlers.register('zoho', 'payment_declined', () => {
        throw new PermanentJobError('card declined');
      });
      const send = (id: string, type: string) =>
        t.app.inject({
          method: 'POST',
          url: '/webhooks/zoho',
          headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
          payload: JSON.stringify({ id, type }),
        });
      const store = t.app.get<EventsStore>(EVENTS_STORE);
      for (let i = 0; i < 3; i++) await send(`ok-${i}`, 'invoice_created');
      await send('unknown-1', 'card_expiring');
      const dead = (await send('declined-1', 'payment_declined')).json<{ id: string }>().id;
      // Five events, three batches of at most two: all finished ones go, the dead letter stays.
      await waitFor(async () => (await store.inbox.stats()).total === 1);
      expect(await store.inbox.get(dead)).toMatchObject({ state: 'dead' });
      // Counted when a sweep ends (after its last, short batch), which may be a moment after the rows went.
      await waitFor(async () => /events_inbox_pruned_total 4/.test(await registry.metrics()));

      jest.spyOn(store.inbox, 'pruneTerminal').mockRejectedValue(new Error('disk I/O error'));
      await waitFor(() => sink.messages.some((m) => /event retention: Error: disk I\/O error/.test(m.text)));
    } finally {
      await t.close();
      await sink.close();
    }
  });
});
