import { attioOptionsFromConfig, AttioModule } from '@aia/attio';
import { BraintreeModule } from '@aia/braintree';
import type { BraintreeModuleOptions } from '@aia/braintree';
import { CheckoutModule } from '@aia/checkout';
import { EventsModule } from '@aia/events';
import type { EventsModuleOptions } from '@aia/events';
import {
  AppConfig,
  AppConfigModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  runsJobs,
  servesHttpApi,
} from '@aia/platform';
import type { UpstreamPolicyConfig } from '@aia/platform';
import { WorkflowsModule } from '@aia/workflows';
import type { WorkflowsModuleOptions } from '@aia/workflows';
import { ZohoModule, zohoOptionsFromConfig } from '@aia/zoho';
import { DynamicModule, Module } from '@nestjs/common';
import { ProcessRoleReadiness } from './process-role';
import { WebhooksModule } from './webhooks/webhooks.module';

type PolicyOverrides = Partial<Omit<UpstreamPolicyConfig, 'platform'>>;

/** What tests and benchmarks may tune; production passes nothing and gets every documented default. */
export interface AppModuleOverrides {
  events?: EventsModuleOptions;
  workflows?: WorkflowsModuleOptions;
  policies?: { attio?: PolicyOverrides; zoho?: PolicyOverrides; braintree?: PolicyOverrides };
  braintree?: Pick<BraintreeModuleOptions, 'chargeSearch'>;
}

/**
 * Composition root: wires the platform, integration, pipeline, workflow and checkout modules together, for
 * the process's role (AppConfig.role, APP_ROLE):
 *
 * - `web`: webhooks, checkout API, admin API, health, metrics, docs. Stores webhooks and queues their jobs but
 *   runs none, nor the loops that belong to workers (re-queue and retention sweeps, the settlement-poll seed).
 *   Provisions the sandbox's Attio workspace at start-up: it is per workspace, not per process, and its
 *   webhook points at the web's own /webhooks/attio.
 * - `worker`: runs jobs and those loops; HTTP serves only /health/live, /health/ready and /metrics (the
 *   modules are built without their controllers, WebhooksModule is not imported).
 * - `all` (default): both, as one machine and the embedded SQLite store need.
 *
 * Recovery retries need no loop of their own: they are delayed jobs, run by whichever worker takes them.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppModuleOverrides = {}): DynamicModule {
    const { policies = {} } = overrides;
    const http = servesHttpApi(config.role);
    const workers = runsJobs(config.role);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRootAsync(),
        HealthModule,
        MetricsModule.forRoot({ adminRoutes: http }),
        AttioModule.forRootAsync({
          useFactory: () => ({ ...attioOptionsFromConfig(config), policy: policies.attio }),
        }),
        ZohoModule.forRootAsync({
          useFactory: () => ({ ...zohoOptionsFromConfig(config), policy: policies.zoho }),
        }),
        BraintreeModule.forRootAsync({
          useFactory: () => ({
            braintree: config.braintree,
            policy: policies.braintree,
            ...overrides.braintree,
          }),
        }),
        EventsModule.forRootAsync({
          http,
          useFactory: (): EventsModuleOptions => ({
            workers,
            redisDurability: config.redisDurability === 'waitaof' ? 'waitaof' : 'none',
            ...overrides.events,
          }),
        }),
        ...(http ? [WebhooksModule] : []),
        WorkflowsModule.forRoot({
          workers,
          http,
          // A worker never provisions (see above); web and all keep the default (sandbox mode only).
          ...(http ? {} : { provisionOnStart: false }),
          ...overrides.workflows,
        }),
        // A worker keeps the signed sessions (jobs send checkout and card-update links), not the routes.
        CheckoutModule.forRoot({ http }),
      ],
      providers: [ProcessRoleReadiness],
    };
  }
}
