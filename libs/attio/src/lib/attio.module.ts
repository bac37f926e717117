import { HttpModule } from '@nestjs/axios';
import { DynamicModule, FactoryProvider, ModuleMetadata, Provider } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  ATTIO_POLICY,
  upstreamPolicyProvider,
  UpstreamPolicy,
  UpstreamPolicyConfig,
} from '@aia/platform';
import { AttioClient } from './attio.client';
import { ATTIO_HTTP_TRANSPORT, AttioHttpTransport, attioHttpTransportProvider } from './attio-http.transport';
import { AttioWebhookGuard } from './attio-webhook.guard';
import {
  ATTIO_MODULE_OPTIONS,
  ATTIO_POLICY_TOKEN,
  AttioModuleOptions,
  attioOptionsFromConfig,
} from './attio.options';

export interface AttioModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Defaults to `attioOptionsFromConfig(APP_CONFIG)`. */
  useFactory?: (...args: never[]) => AttioModuleOptions | Promise<AttioModuleOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * Attio counts requests when they arrive; the client-side limiter counts when they start. Widening the
 * write window by this much keeps latency jitter (a burst's slow tail meeting the next burst's fast head
 * in one Attio second) from ever making 26 arrivals in a second; costs under 5% of write throughput.
 */
export const ATTIO_LIMITER_JITTER_MS = 50;

/** The Attio policy config actually used: ATTIO_POLICY with the jitter margin and any overrides. */
export function attioPolicyConfig(overrides: Partial<UpstreamPolicyConfig> = {}): UpstreamPolicyConfig {
  const { read, write } = ATTIO_POLICY.rateLimits;
  return {
    ...ATTIO_POLICY,
    rateLimits: {
      read: { ...read, windowMs: read.windowMs + ATTIO_LIMITER_JITTER_MS },
      write: { ...write, windowMs: write.windowMs + ATTIO_LIMITER_JITTER_MS },
    },
    ...overrides,
    platform: 'attio',
  };
}

/**
 * Attio: typed client (records, attributes, notes, webhooks) behind the Attio UpstreamPolicy, and the
 * webhook guard. Global, so controllers in other modules can use `AttioWebhookGuard` and inject the client.
 * The HTTP transport (@nestjs/axios' HttpService) is a factory provider (`ATTIO_HTTP_TRANSPORT`) so tests can
 * swap it.
 */
export class AttioModule {
  static forRootAsync(options: AttioModuleAsyncOptions = {}): DynamicModule {
    const providers: Provider[] = [
      {
        provide: ATTIO_MODULE_OPTIONS,
        useFactory: options.useFactory ?? ((config: AppConfig) => attioOptionsFromConfig(config)),
        inject: options.useFactory ? (options.inject ?? []) : [APP_CONFIG],
      },
      attioHttpTransportProvider,
      upstreamPolicyProvider(ATTIO_POLICY_TOKEN, ATTIO_MODULE_OPTIONS, (o: AttioModuleOptions) => ({
        config: attioPolicyConfig(o.policy),
        deps: o.policyDeps,
      })),
      {
        provide: AttioClient,
        useFactory: (o: AttioModuleOptions, policy: UpstreamPolicy, transport: AttioHttpTransport) =>
          new AttioClient(policy, transport, {
            apiUrl: o.attio.apiUrl,
            apiToken: o.attio.apiToken,
            pacing: attioPolicyConfig(o.policy).rateLimits,
          }),
        inject: [ATTIO_MODULE_OPTIONS, ATTIO_POLICY_TOKEN, ATTIO_HTTP_TRANSPORT],
      },
      AttioWebhookGuard,
    ];
    return {
      module: AttioModule,
      global: true,
      imports: [HttpModule, ...(options.imports ?? [])],
      providers,
      exports: [
        ATTIO_MODULE_OPTIONS,
        ATTIO_POLICY_TOKEN,
        ATTIO_HTTP_TRANSPORT,
        AttioClient,
        AttioWebhookGuard,
      ],
    };
  }
}
