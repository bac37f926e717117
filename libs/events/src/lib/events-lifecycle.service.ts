import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ReadinessRegistry } from '@aia/platform';
import { AlertService } from './alerts/alert.service';
import { DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_SWEEP, EVENTS_OPTIONS } from './events-options';
import type { EventsModuleOptions } from './events-options';
import { EventsHealthIndicator } from './health/events-health.indicator';
import { DrainState } from './ingest/drain-state';
import { EventIngestService } from './ingest/event-ingest.service';
import { EventProcessor } from './processing/event-processor.service';
import { EVENTS_STORE } from './store/events-store';
import type { EventsStore } from './store/events-store';

/**
 * Start: workers run once every module registered its handlers (bootstrap), and stored-but-unqueued
 * events are queued. Stop (SIGTERM via enableShutdownHooks): webhooks answer 503 at once, running jobs
 * get the grace period, then the store closes after the HTTP server.
 */
@Injectable()
export class EventsLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Events');
  private sweepTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(EVENTS_STORE) private readonly store: EventsStore,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
    private readonly processor: EventProcessor,
    private readonly ingest: EventIngestService,
    private readonly drain: DrainState,
    private readonly alerts: AlertService,
    private readonly health: EventsHealthIndicator,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness?.register('events', () => this.health.isHealthy('events'));
    this.processor.attach();
    if (this.options.workers !== false) await this.store.queue.start();
    const sweep = this.options.sweep ?? DEFAULT_SWEEP;
    await this.ingest.sweep(0);
    this.sweepTimer = setInterval(() => void this.ingest.sweep(sweep.minAgeMs), sweep.intervalMs);
    this.sweepTimer.unref();
    this.logger.log(
      `event pipeline started (${this.store.queue.kind}, workers ${this.options.workers !== false ? 'on' : 'off'})`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.drain.start();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.store.queue.stop(this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    await this.alerts.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.store.close();
  }
}
