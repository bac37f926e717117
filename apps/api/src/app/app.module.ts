import { attioOptionsFromConfig, AttioModule } from '@aia/attio';
import { BraintreeModule } from '@aia/braintree';
import type { BraintreeModuleOptions } from '@aia/braintree';
import { CheckoutModule } from '@aia/checkout';
import { EventsModule } from '@aia/events';
import type { EventsModuleOptions } from '@aia/events';
import { AppConfig, AppConfigModule, HealthModule, LoggingModule, MetricsModule } from '@aia/platform';
import type { UpstreamPolicyConfig } from '@aia/platform';
import { WorkflowsModule } from '@aia/workflows';
import type { WorkflowsModuleOptions } from '@aia/workflows';
import { ZohoModule, zohoOptionsFromConfig } from '@aia/zoho';
import { DynamicModule, Module } from '@nestjs/common';
import { WebhooksModule } from './webhooks/webhooks.module';

type PolicyOverrides = Partial<Omit<UpstreamPolicyConfig, 'platform'>>;

/** What tests and benchmarks may tune; production passes nothing and gets every documented default. */
export interface AppModuleOverrides {
  events?: EventsModuleOptions;
  workflows?: WorkflowsModuleOptions;
  policies?: { attio?: PolicyOverrides; zoho?: PolicyOverrides; braintree?: PolicyOverrides };
  braintree?: Pick<BraintreeModuleOptions, 'chargeSearch'>;
}

/** Composition root: wires the platform, integration, pipeline, workflow and checkout modules together. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppModuleOverrides = {}): DynamicModule {
    const { policies = {} } = overrides;
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRootAsync(),
        HealthModule,
        MetricsModule.forRoot(),
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
        EventsModule.forRootAsync(overrides.events ? { useFactory: () => overrides.events ?? {} } : {}),
        WebhooksModule,
        WorkflowsModule.forRoot(overrides.workflows),
        CheckoutModule.forRoot(),
      ],
    };
  }
}
