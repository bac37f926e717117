import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue } from '../queue/job-queue';
import type { EventInbox } from '../inbox/event-inbox';

type Metric = Counter<string> | Gauge<string> | Histogram<string>;

function getOrCreate<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** The live store each registry's gauges read at scrape time (the gauges are shared per registry). */
const sources = new WeakMap<Registry, { queue: JobQueue; inbox: EventInbox }>();

/**
 * Queue depth by state (jobs and inbox events, read at scrape time), job durations by outcome, and
 * webhooks by outcome. Registered on @aia/platform's metricsRegistry by default (served at /metrics).
 */
export class EventsMetrics {
  readonly webhooks: Counter<'platform' | 'outcome'>;
  readonly jobs: Counter<'name' | 'outcome'>;
  readonly jobDuration: Histogram<'name' | 'outcome'>;
  readonly pruned: Counter<string>;

  constructor(
    readonly registry: Registry,
    queue: JobQueue,
    inbox: EventInbox,
  ) {
    sources.set(registry, { queue, inbox });
    const registers = [registry];
    this.webhooks = getOrCreate(
      registry,
      'events_webhooks_total',
      () =>
        new Counter({
          name: 'events_webhooks_total',
          help: 'Webhooks answered, by platform and outcome (stored, duplicate, ignored, draining, not_durable)',
          labelNames: ['platform', 'outcome'],
          registers,
        }),
    );
    this.jobs = getOrCreate(
      registry,
      'events_jobs_total',
      () =>
        new Counter({
          name: 'events_jobs_total',
          help: 'Job attempts finished, by job name and outcome (completed, retrying, dead)',
          labelNames: ['name', 'outcome'],
          registers,
        }),
    );
    this.jobDuration = getOrCreate(
      registry,
      'events_job_duration_seconds',
      () =>
        new Histogram({
          name: 'events_job_duration_seconds',
          help: 'Duration of one job attempt',
          labelNames: ['name', 'outcome'],
          buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
          registers,
        }),
    );
    this.pruned = getOrCreate(
      registry,
      'events_inbox_pruned_total',
      () =>
        new Counter({
          name: 'events_inbox_pruned_total',
          help: 'Finished events deleted from the inbox by retention',
          registers,
        }),
    );
    getOrCreate(
      registry,
      'events_queue_jobs',
      () =>
        new Gauge({
          name: 'events_queue_jobs',
          help: 'Jobs in the queue by state',
          labelNames: ['state'],
          registers,
          async collect() {
            const source = sources.get(registry);
            if (!source) return;
            for (const [state, n] of Object.entries(await source.queue.counts())) this.set({ state }, n);
          },
        }),
    );
    getOrCreate(
      registry,
      'events_inbox_events',
      () =>
        new Gauge({
          name: 'events_inbox_events',
          help: 'Inbox events by state',
          labelNames: ['state'],
          registers,
          async collect() {
            const source = sources.get(registry);
            if (!source) return;
            const stats = await source.inbox.stats();
            for (const [state, n] of Object.entries(stats.byState)) this.set({ state }, n);
          },
        }),
    );
    getOrCreate(
      registry,
      'events_oldest_pending_age_seconds',
      () =>
        new Gauge({
          name: 'events_oldest_pending_age_seconds',
          help: 'Age of the oldest event not yet processed (0 when none)',
          registers,
          async collect() {
            const source = sources.get(registry);
            if (!source) return;
            this.set((await source.inbox.stats()).oldestPendingAgeSeconds ?? 0);
          },
        }),
    );
  }
}
