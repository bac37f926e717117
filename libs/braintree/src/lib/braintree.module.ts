import {
  DynamicModule,
  InjectionToken,
  Module,
  ModuleMetadata,
  OptionalFactoryDependency,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig, BRAINTREE_POLICY, upstreamPolicyProvider } from '@aia/platform';
import { BRAINTREE_CHARGE_SEARCH } from './braintree-charge';
import { BraintreeClientTokenService } from './braintree-client-token.service';
import { BraintreeCustomersService } from './braintree-customers.service';
import { createBraintreeGateway, lazyBraintreeGateway } from './braintree-gateway.factory';
import { BraintreePaymentMethodsService } from './braintree-payment-methods.service';
import { BraintreeTransactionsService } from './braintree-transactions.service';
import { BraintreeWebhookGuard } from './braintree-webhook.guard';
import {
  BRAINTREE_GATEWAY,
  BRAINTREE_MODULE_OPTIONS,
  BRAINTREE_UPSTREAM_POLICY,
  BRAINTREE_WEBHOOK_GATEWAYS,
  BraintreeModuleOptions,
} from './braintree.tokens';

export interface BraintreeModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** Default: `(config: AppConfig) => ({ braintree: config.braintree })` with `inject: [APP_CONFIG]`. */
  useFactory?: (...args: never[]) => BraintreeModuleOptions | Promise<BraintreeModuleOptions>;
}

/**
 * The SDK's gateway lives longer than one attempt; its own socket timeout is set a little past the policy's
 * per-attempt timeout so the policy decides (and a hung socket is still torn down).
 */
const SDK_TIMEOUT_MARGIN_MS = 1_000;

/** Braintree integration: gateway provider, resilience policy, thin services, webhook guard. Global. */
@Module({})
export class BraintreeModule {
  static forRootAsync(async: BraintreeModuleAsyncOptions = {}): DynamicModule {
    const services = [
      BraintreeCustomersService,
      BraintreePaymentMethodsService,
      BraintreeTransactionsService,
      BraintreeClientTokenService,
      BraintreeWebhookGuard,
    ];
    return {
      module: BraintreeModule,
      global: true,
      imports: async.imports ?? [],
      providers: [
        {
          provide: BRAINTREE_MODULE_OPTIONS,
          inject: async.useFactory ? (async.inject ?? []) : [APP_CONFIG],
          useFactory:
            (async.useFactory as (
              ...args: unknown[]
            ) => BraintreeModuleOptions | Promise<BraintreeModuleOptions>) ??
            ((config: AppConfig): BraintreeModuleOptions => ({ braintree: config.braintree })),
        },
        upstreamPolicyProvider(
          BRAINTREE_UPSTREAM_POLICY,
          BRAINTREE_MODULE_OPTIONS,
          (o: BraintreeModuleOptions) => ({
            config: { ...BRAINTREE_POLICY, ...o.policy, platform: 'braintree' },
          }),
        ),
        {
          provide: BRAINTREE_GATEWAY,
          inject: [BRAINTREE_MODULE_OPTIONS],
          useFactory: (options: BraintreeModuleOptions) =>
            lazyBraintreeGateway(() =>
              createBraintreeGateway(
                options.braintree,
                (options.policy?.timeoutMs ?? BRAINTREE_POLICY.timeoutMs) + SDK_TIMEOUT_MARGIN_MS,
              ),
            ),
        },
        {
          provide: BRAINTREE_WEBHOOK_GATEWAYS,
          inject: [BRAINTREE_MODULE_OPTIONS],
          // Explicit options win; otherwise the pairs from BRAINTREE_WEBHOOK_ADDITIONAL_KEYS, which reach here
          // through `braintree` (AppConfig) whichever options factory the app uses.
          useFactory: (options: BraintreeModuleOptions) =>
            [
              options.braintree,
              ...(options.additionalWebhookKeys ?? options.braintree.additionalWebhookKeys ?? []),
            ].map((keys) =>
              lazyBraintreeGateway(() => createBraintreeGateway(options.braintree, undefined, keys)),
            ),
        },
        {
          provide: BRAINTREE_CHARGE_SEARCH,
          inject: [BRAINTREE_MODULE_OPTIONS],
          useFactory: (options: BraintreeModuleOptions) => options.chargeSearch ?? {},
        },
        ...services,
      ],
      exports: [
        BRAINTREE_GATEWAY,
        BRAINTREE_UPSTREAM_POLICY,
        BRAINTREE_MODULE_OPTIONS,
        BRAINTREE_WEBHOOK_GATEWAYS,
        {
          provide: BRAINTREE_CHARGE_SEARCH,
          inject: [BRAINTREE_MODULE_OPTIONS],
          useFactory: (options: BraintreeModuleOptions) => options.chargeSearch ?? {},
        },
        ...services,
      ],
    };
  }
}
