import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_CONFIG, metricsRegistry } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { AdminEventsController } from './admin/admin-events.controller';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { EventAdminService } from './admin/event-admin.service';
import { ALERT_TUNING, AlertService } from './alerts/alert.service';
import { DEFAULT_WEBHOOK_GUARDS } from './default-webhook-guards';
import { EVENTS_OPTIONS, WEBHOOK_GUARDS } from './events-options';
import type { EventsModuleAsyncOptions, EventsModuleOptions } from './events-options';
import { EventsLifecycle } from './events-lifecycle.service';
import { EventHandlerRegistry } from './handlers/event-handler.registry';
import { EventsHealthIndicator } from './health/events-health.indicator';
import { DrainState } from './ingest/drain-state';
import { EventIngestService } from './ingest/event-ingest.service';
import {
  AttioWebhookGuardProxy,
  BraintreeWebhookGuardProxy,
  ZohoWebhookGuardProxy,
} from './ingest/webhook-guard.proxy';
import { WebhooksController } from './ingest/webhooks.controller';
import { EventsMetrics } from './metrics/events-metrics';
import { EventProcessor } from './processing/event-processor.service';
import { createEventsStore } from './store/create-events-store';
import { EVENTS_STORE } from './store/events-store';
import type { EventsStore } from './store/events-store';
import { JOB_QUEUE } from './queue/job-queue';

/**
 * The durable event pipeline: webhook endpoints, inbox, job queue and workers, admin API, alerts.
 * Needs APP_CONFIG (AppConfigModule.forRoot). Global so workflows can inject EventHandlerRegistry,
 * JOB_QUEUE (their own delayed jobs) and AlertService (breaker hook) without importing it again.
 */
@Module({})
export class EventsModule {
  static forRootAsync(async: EventsModuleAsyncOptions = {}): DynamicModule {
    const optionsProvider: Provider = async.useFactory
      ? { provide: EVENTS_OPTIONS, useFactory: async.useFactory, inject: async.inject ?? [] }
      : { provide: EVENTS_OPTIONS, useValue: {} };
    const providers: Provider[] = [
      optionsProvider,
      { provide: WEBHOOK_GUARDS, useValue: { ...DEFAULT_WEBHOOK_GUARDS, ...async.guards } },
      {
        provide: EVENTS_STORE,
        useFactory: (config: AppConfig, options: EventsModuleOptions) => createEventsStore(config, options),
        inject: [APP_CONFIG, EVENTS_OPTIONS],
      },
      { provide: JOB_QUEUE, useFactory: (store: EventsStore) => store.queue, inject: [EVENTS_STORE] },
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
      DrainState,
      EventProcessor,
      EventIngestService,
      EventAdminService,
      EventsHealthIndicator,
      EventsLifecycle,
      AdminTokenGuard,
      AttioWebhookGuardProxy,
      ZohoWebhookGuardProxy,
      BraintreeWebhookGuardProxy,
    ];
    return {
      module: EventsModule,
      global: true,
      imports: async.imports ?? [],
      controllers: [WebhooksController, AdminEventsController],
      providers,
      exports: [
        EventHandlerRegistry,
        JOB_QUEUE,
        EVENTS_STORE,
        AlertService,
        EventsHealthIndicator,
        EventAdminService,
        DrainState,
      ],
    };
  }
}
