// CPU cost of the event store per webhook, without HTTP: storing (inbox row + job row, what the ingest bench's
// bare server also does) and processing with a no-op handler (claim, attempt start/finish, job completion).
// Storing is measured twice: one webhook at a time (every inbox insert its own fsynced group commit) and ten at
// a time (what ten concurrent requests do: they share group commits).
// Bundled and run by store-costs.mjs:  node tmp/bench-webhook-ingest/store-costs.js <events> <dataDir>
import 'reflect-metadata';
import { Registry } from 'prom-client';
import { loadAppConfig } from '@aia/platform';
import {
  AlertService,
  createEventsStore,
  EVENT_JOB,
  eventJobId,
  EventHandlerRegistry,
  EventProcessor,
  EventsMetrics,
} from '@aia/events';

const perEvent = (usage: NodeJS.CpuUsage, n: number) => ({
  userUs: Math.round(usage.user / n),
  systemUs: Math.round(usage.system / n),
});

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 5000);
  const config = loadAppConfig({ DATA_DIR: process.argv[3], LOG_LEVEL: 'silent' });
  const store = createEventsStore(config, {});
  const registry = new EventHandlerRegistry();
  registry.register('zoho', 'invoice_created', () => undefined);
  const processor = new EventProcessor(
    store,
    registry,
    new AlertService(config, {}),
    new EventsMetrics(new Registry(), store.queue, store.inbox),
  );

  const storeOne = async (i: number) => {
    const payload = {
      event_id: `e${i}`,
      event_type: 'invoice_created',
      data: { invoice: { invoice_id: `inv-${i % 500}` } },
    };
    const { event } = await store.inbox.insert({
      webhook: {
        platform: 'zoho',
        eventId: payload.event_id,
        type: payload.event_type,
        payload,
        rawBody: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
        receivedAt: new Date().toISOString(),
      },
      state: 'pending',
    });
    await store.queue.enqueue(EVENT_JOB, { eventId: event.id }, { id: eventJobId(event.id), key: event.key });
  };
  const half = Math.floor(n / 2);
  const storeStart = process.cpuUsage();
  for (let i = 0; i < half; i++) await storeOne(i);
  const storing = process.cpuUsage(storeStart);
  const concurrentStart = process.cpuUsage();
  for (let i = half; i < n; i += 10)
    await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => storeOne(i + k)));
  const storingConcurrently = process.cpuUsage(concurrentStart);

  let completed = 0;
  const allDone = new Promise<void>((resolve) =>
    store.queue.onEvent((e) => {
      if (e.type === 'completed' && ++completed === n) resolve();
    }),
  );
  processor.attach();
  const processStart = process.cpuUsage();
  await store.queue.start();
  await allDone;
  const processing = process.cpuUsage(processStart);
  await store.close();
  process.stdout.write(
    `${JSON.stringify({
      events: n,
      store: perEvent(storing, half),
      storeTenAtATime: perEvent(storingConcurrently, n - half),
      process: perEvent(processing, n),
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
