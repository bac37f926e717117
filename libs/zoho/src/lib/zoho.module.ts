import { HttpModule } from '@nestjs/axios';
import { DynamicModule, FactoryProvider, ModuleMetadata, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, upstreamPolicyProvider, UpstreamPolicy, zohoPolicy } from '@aia/platform';
import { ZohoBillingClient } from './zoho-billing.client';
import { ZohoCustomersService } from './zoho-customers.service';
import { ZOHO_HTTP_TRANSPORT, ZohoHttpTransport, zohoHttpTransportProvider } from './zoho-http.transport';
import { ZohoInvoicesService } from './zoho-invoices.service';
import { ZohoPaymentsService } from './zoho-payments.service';
import { ZohoPlansService } from './zoho-plans.service';
import { ZohoSubscriptionsService } from './zoho-subscriptions.service';
import { ZohoTokenProvider } from './zoho-token.provider';
import { ZohoWebhookGuard } from './zoho-webhook.guard';
import { ZOHO_MODULE_OPTIONS, ZOHO_POLICY, ZohoModuleOptions, zohoOptionsFromConfig } from './zoho.options';

export interface ZohoModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Defaults to `zohoOptionsFromConfig(APP_CONFIG)`. */
  useFactory?: (...args: never[]) => ZohoModuleOptions | Promise<ZohoModuleOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * Zoho Billing: OAuth token provider, Billing services, webhook guard. Global, so controllers in other
 * modules can use `ZohoWebhookGuard` and inject the services. Both talk HTTP through one transport
 * (@nestjs/axios' HttpService), a factory provider (`ZOHO_HTTP_TRANSPORT`) so tests can swap it.
 */
export class ZohoModule {
  static forRootAsync(options: ZohoModuleAsyncOptions = {}): DynamicModule {
    const providers: Provider[] = [
      {
        provide: ZOHO_MODULE_OPTIONS,
        useFactory: options.useFactory ?? ((config: AppConfig) => zohoOptionsFromConfig(config)),
        inject: options.useFactory ? (options.inject ?? []) : [APP_CONFIG],
      },
      zohoHttpTransportProvider,
      upstreamPolicyProvider(ZOHO_POLICY, ZOHO_MODULE_OPTIONS, (o: ZohoModuleOptions) => ({
        config: { ...zohoPolicy(o.zoho.requestsPerMinute), ...o.policy, platform: 'zoho' },
        deps: o.policyDeps,
      })),
      {
        provide: ZohoTokenProvider,
        useFactory: (o: ZohoModuleOptions, transport: ZohoHttpTransport) =>
          new ZohoTokenProvider(
            {
              mode: o.mode,
              accountsUrl: o.zoho.accountsUrl,
              apiUrl: o.zoho.apiUrl,
              clientId: o.zoho.clientId,
              clientSecret: o.zoho.clientSecret,
              refreshToken: o.zoho.refreshToken,
              refreshMarginMs: o.tokenRefreshMarginMs,
            },
            transport,
          ),
        inject: [ZOHO_MODULE_OPTIONS, ZOHO_HTTP_TRANSPORT],
      },
      {
        provide: ZohoBillingClient,
        useFactory: (
          o: ZohoModuleOptions,
          policy: UpstreamPolicy,
          tokens: ZohoTokenProvider,
          transport: ZohoHttpTransport,
        ) => new ZohoBillingClient(policy, tokens, transport, o.zoho.orgId),
        inject: [ZOHO_MODULE_OPTIONS, ZOHO_POLICY, ZohoTokenProvider, ZOHO_HTTP_TRANSPORT],
      },
      ZohoPlansService,
      ZohoCustomersService,
      ZohoSubscriptionsService,
      ZohoInvoicesService,
      ZohoPaymentsService,
      ZohoWebhookGuard,
    ];
    return {
      module: ZohoModule,
      global: true,
      imports: [HttpModule, ...(options.imports ?? [])],
      providers,
      exports: [
        ZOHO_MODULE_OPTIONS,
        ZOHO_POLICY,
        ZohoTokenProvider,
        ZohoBillingClient,
        ZohoPlansService,
        ZohoCustomersService,
        ZohoSubscriptionsService,
        ZohoInvoicesService,
        ZohoPaymentsService,
        ZohoWebhookGuard,
      ],
    };
  }
}
