import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ReadinessRegistry } from '@aia/platform';
import { AlertService } from './alerts/alert.service';
import { DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_SWEEP, EVENTS_OPTIONS, resolveRetention } from './events-options';
import type { EventsModuleOptions } from './events-options';
import { EventsHealthIndicator } from './health/events-health.indicator';
import { DrainState } from './ingest/drain-state';
import { EventIngestService } from './ingest/event-ingest.service';
import { EventsMetrics } from './metrics/events-metrics';
import { EventProcessor } from './processing/event-processor.service';
import { DEFAULT_QUEUE_TUNING } from './queue/job-queue';
import { describeError } from './queue/job-errors';
import { InboxRetentionSweep } from './retention/inbox-retention-sweep';
import { EVENTS_STORE } from './store/events-store';
import type { EventsStore } from './store/events-store';

/**
 * Start: workers run once every module registered its handlers (bootstrap), stored-but-unqueued
 * events are queued, and the retention sweep starts deleting finished events past their age (the last
 * three only with `workers`; an ingest-only process stores and queues webhooks, nothing else).
 * Stop (SIGTERM via enableShutdownHooks): webhooks answer 503 at once, the retention sweep stops,
 * running jobs get the grace period, then the store closes after the HTTP server.
 */
@Injectable()
export class EventsLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Events');
  private sweepTimer?: NodeJS.Timeout;
  private retention?: InboxRetentionSweep;
  private closed = false;

  constructor(
    @Inject(EVENTS_STORE) private readonly store: EventsStore,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
    private readonly processor: EventProcessor,
    private readonly ingest: EventIngestService,
    private readonly drain: DrainState,
    private readonly alerts: AlertService,
    private readonly health: EventsHealthIndicator,
    private readonly metrics: EventsMetrics,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness?.register('events', () => this.health.isHealthy('events'));
    this.processor.attach();
    const workers = this.options.workers !== false;
    if (workers) {
      await this.store.queue.start();
      // The re-queue sweep and the retention sweep run where jobs run (APP_ROLE worker and all), not in an
      // ingest-only process (web, the reconcile CLI). Both work on the shared store, so any one process may
      // run them; a queued job helps only where a worker takes it, and the deployment always has workers
      // when it has jobs. Several workers running them at once is safe: the sweep's job ids dedupe, the
      // retention deletes only events unchanged since it read them.
      const sweep = this.options.sweep ?? DEFAULT_SWEEP;
      await this.ingest.sweep(0);
      this.sweepTimer = setInterval(() => void this.ingest.sweep(sweep.minAgeMs), sweep.intervalMs);
      this.sweepTimer.unref();
      this.startRetention();
    }
    this.logger.log(`event pipeline started (${this.store.queue.kind}, workers ${workers ? 'on' : 'off'})`);
  }

  async onModuleDestroy(): Promise<void> {
    this.drain.start();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.retention?.stop();
    await this.store.queue.stop(this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    await this.alerts.flush();
  }

  private startRetention(): void {
    const retention = resolveRetention(this.options);
    if (!retention) return;
    const jobsMs = this.options.queue?.retentionMs ?? DEFAULT_QUEUE_TUNING.retentionMs;
    if (retention.eventsMs < jobsMs)
      this.logger.warn(
        `retention.eventsMs (${retention.eventsMs}) is shorter than queue.retentionMs (${jobsMs}): ` +
          'a repeat delivery is processed again once its event is deleted, even while its job is kept',
      );
    this.retention = new InboxRetentionSweep(this.store.inbox, retention, {
      onPruned: (count) => {
        this.metrics.pruned.inc(count);
        this.logger.log(`retention: deleted ${count} finished event(s)`);
      },
      onError: (err) => {
        this.logger.error(`retention sweep failed: ${describeError(err)}`);
        this.alerts.workerError(err, 'event retention');
      },
    });
    this.retention.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.store.close();
  }
}
