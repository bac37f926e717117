import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_CONFIG, INSTANCE_HEALTH_BOARD, metricsRegistry } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { AdminEventsController } from './admin/admin-events.controller';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { EventAdminService } from './admin/event-admin.service';
import { ALERT_TUNING, AlertService } from './alerts/alert.service';
import { EVENTS_OPTIONS } from './events-options';
import type { EventsModuleAsyncOptions, EventsModuleOptions } from './events-options';
import { EventsLifecycle } from './events-lifecycle.service';
import { EventHandlerRegistry } from './handlers/event-handler.registry';
import { EventHandlerDiscovery } from './handlers/event-handler.discovery';
import { EventsHealthIndicator } from './health/events-health.indicator';
import { DrainState } from './ingest/drain-state';
import { EventIngestService } from './ingest/event-ingest.service';
import { EventsMetrics } from './metrics/events-metrics';
import { EventProcessor } from './processing/event-processor.service';
import { createEventsStore, createInstanceHealthBoard } from './store/create-events-store';
import { EVENTS_STORE, KEYED_LOCK } from './store/events-store';
import { INTENT_LOG } from './intents/intent-log';
import type { EventsStore } from './store/events-store';
import { JOB_QUEUE } from './queue/job-queue';

/**
 * The durable event pipeline: inbox, job queue and workers, admin API, alerts. Needs APP_CONFIG
 * (AppConfigModule.forRoot). Global so workflows can inject EventHandlerRegistry, JOB_QUEUE (their own
 * delayed jobs) and AlertService (breaker hook) without importing it again. It knows no platform: the
 * webhook endpoints live where the app is composed (apps/api), each behind its platform's guard, and hand
 * the verified webhook to EventIngestService.
 */
@Module({})
export class EventsModule {
  static forRootAsync(async: EventsModuleAsyncOptions = {}): DynamicModule {
    const http = async.http !== false;
    const optionsProvider: Provider = async.useFactory
      ? { provide: EVENTS_OPTIONS, useFactory: async.useFactory, inject: async.inject ?? [] }
      : { provide: EVENTS_OPTIONS, useValue: {} };
    const providers: Provider[] = [
      optionsProvider,
      {
        provide: EVENTS_STORE,
        useFactory: (config: AppConfig, options: EventsModuleOptions) => createEventsStore(config, options),
        inject: [APP_CONFIG, EVENTS_OPTIONS],
      },
      { provide: JOB_QUEUE, useFactory: (store: EventsStore) => store.queue, inject: [EVENTS_STORE] },
      // The platform's InstanceHealthPublisher (MetricsModule) uses it: Redis shared by every process, or null.
      {
        provide: INSTANCE_HEALTH_BOARD,
        useFactory: (config: AppConfig, options: EventsModuleOptions) =>
          createInstanceHealthBoard(config, options),
        inject: [APP_CONFIG, EVENTS_OPTIONS],
      },
      { provide: KEYED_LOCK, useFactory: (store: EventsStore) => store.locks, inject: [EVENTS_STORE] },
      { provide: INTENT_LOG, useFactory: (store: EventsStore) => store.intents, inject: [EVENTS_STORE] },
      {
        provide: ALERT_TUNING,
        useFactory: (o: EventsModuleOptions) => o.alerts ?? {},
        inject: [EVENTS_OPTIONS],
      },
      {
        provide: EventsMetrics,
        useFactory: (store: EventsStore, o: EventsModuleOptions) =>
          new EventsMetrics(o.metricsRegistry ?? metricsRegistry, store.queue, store.inbox),
        inject: [EVENTS_STORE, EVENTS_OPTIONS],
      },
      AlertService,
      EventHandlerRegistry,
      EventHandlerDiscovery,
      DrainState,
      EventProcessor,
      EventIngestService,
      EventAdminService,
      EventsHealthIndicator,
      EventsLifecycle,
      AdminTokenGuard,
    ];
    return {
      module: EventsModule,
      global: true,
      imports: [DiscoveryModule, ...(async.imports ?? [])],
      // Every HTTP route of the pipeline: the admin API (APP_ROLE web and all, never worker).
      controllers: http ? [AdminEventsController] : [],
      providers,
      exports: [
        INSTANCE_HEALTH_BOARD,
        EventHandlerRegistry,
        JOB_QUEUE,
        KEYED_LOCK,
        INTENT_LOG,
        EVENTS_STORE,
        AlertService,
        EventsHealthIndicator,
        EventAdminService,
        EventIngestService,
        DrainState,
      ],
    };
  }
}
