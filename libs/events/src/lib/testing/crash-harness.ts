/*
 * Child process for the crash test: hosts the real store, ingest service and worker, no Nest (so it
 * can be bundled by esbuild and start in milliseconds). Each message on stdout is one JSON line.
 *   node harness.js <dataDir> ingest <count>   accept <count> events, process them (gets SIGKILLed)
 *   node harness.js <dataDir> resume           process what is left, report, exit
 * The handler's idempotency guard is a table of applied effects (like "search transactions by orderId
 * before charging"): a redelivered event finds its effect and does not apply it again.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { loadAppConfig } from '@aia/platform';
import { AlertService } from '../alerts/alert.service';
import { EventHandlerRegistry } from '../handlers/event-handler.registry';
import { DrainState } from '../ingest/drain-state';
import { EventIngestService } from '../ingest/event-ingest.service';
import { EventsMetrics } from '../metrics/events-metrics';
import { EventProcessor } from '../processing/event-processor.service';
import { createEventsStore } from '../store/create-events-store';

const [dataDir, mode, countArg] = process.argv.slice(2);
const backend = (process.env['CRASH_BACKEND'] ?? 'sqlite') as 'sqlite' | 'redis';
const say = (msg: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(msg)}\n`);

async function main(): Promise<void> {
  const config = loadAppConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(process.env['REDIS_URL'] ? { REDIS_URL: process.env['REDIS_URL'] } : {}),
  });
  const store = createEventsStore(config, {
    backend,
    redisPrefix: process.env['CRASH_PREFIX'] ?? 'aiacrash',
    queue: {
      concurrency: 4,
      maxAttempts: 5,
      backoff: { baseMs: 20, maxMs: 200 },
      leaseMs: 800,
      pollIntervalMs: 5,
      keyRecheckMs: 10,
    },
  });
  const effects = new Database(join(dataDir, 'effects.sqlite'));
  effects.pragma('journal_mode = WAL');
  effects.exec(`CREATE TABLE IF NOT EXISTS effects (event_id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT NOT NULL, at INTEGER NOT NULL, pid INTEGER NOT NULL);`);
  const logDelivery = effects.prepare('INSERT INTO deliveries (event_id, at, pid) VALUES (?, ?, ?)');
  const applyOnce = effects.transaction((eventId: string) => {
    const held = effects.prepare('SELECT 1 FROM effects WHERE event_id = ?').get(eventId);
    if (!held)
      effects.prepare('INSERT INTO effects (event_id, applied_at) VALUES (?, ?)').run(eventId, Date.now());
  });

  const registry = new EventHandlerRegistry();
  let processed = 0;
  // First run only: after this many effects, jobs hold mid-handler so the SIGKILL lands mid-processing.
  const holdAfter = Number(process.env['CRASH_HOLD_AFTER'] ?? 0);
  registry.register(
    'zoho',
    'invoice_created',
    async (event) => {
      logDelivery.run(event.eventId, Date.now(), process.pid);
      if (holdAfter > 0 && processed >= holdAfter) {
        // Delivered but not yet applied: the parent kills now, so this event must be redelivered.
        say({ holding: event.eventId });
        await new Promise(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 15)); // long enough that the kill finds jobs in flight
      applyOnce(event.eventId);
      processed++;
      if (processed % 25 === 0) say({ processed });
    },
    // Events of one invoice are serialised (several events share an invoice here).
    { key: (w) => `invoice:${(w.payload as { invoice: string }).invoice}` },
  );
  const metrics = new EventsMetrics(new Registry(), store.queue, store.inbox);
  const alerts = new AlertService(config, {});
  const processor = new EventProcessor(store, registry, alerts, metrics);
  const ingest = new EventIngestService(store, registry, new DrainState(), metrics);
  processor.attach();
  await store.queue.start();

  if (mode === 'ingest') {
    const count = Number(countArg);
    for (let i = 0; i < count; i++) {
      const body = { event_id: `evt-${i}`, event_type: 'invoice_created', invoice: `inv-${i % 50}` };
      const res = await ingest.ingest({
        platform: 'zoho',
        eventId: body.event_id,
        type: body.event_type,
        payload: body,
        rawBody: JSON.stringify(body),
        headers: {},
        receivedAt: new Date().toISOString(),
      });
      if (res.status !== 'accepted') throw new Error(`event ${i} was ${res.status}`);
    }
    say({ accepted: count });
    return; // keeps working until the parent kills it
  }

  await ingest.sweep(0);
  for (;;) {
    const stats = await store.inbox.stats();
    const open = stats.byState.pending + stats.byState.processing + stats.byState.retrying;
    if (open === 0) {
      say({ final: stats.byState });
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await store.queue.stop(1_000);
  await store.close();
  effects.close();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
