import type * as braintree from 'braintree';
import type { AppConfig } from '@aia/platform';
import type { BraintreeKeyPair } from './braintree.tokens';

type BraintreeConfig = AppConfig['braintree'];

/**
 * The SDK (with its XML stack) is loaded on first use, not at boot: it cost ~80 ms of API start-up and most
 * requests (webhooks of the other platforms, health checks) never touch it.
 */
const sdk = (): typeof braintree => require('braintree') as typeof braintree;

/**
 * `sandbox` → braintree.Environment.Sandbox, `production` → Production, `emulator` → a plain-HTTP custom
 * environment at `gatewayUrl`: `new Environment(host, port, authUrl, ssl=false, graphQLHost, graphQLPort)`
 * (braintree/lib/braintree/environment.js; TOOLCHAIN.md).
 */
export function braintreeEnvironment(
  config: Pick<BraintreeConfig, 'environment' | 'gatewayUrl'>,
): braintree.Environment {
  switch (config.environment) {
    case 'production':
      return sdk().Environment.Production;
    case 'sandbox':
      return sdk().Environment.Sandbox;
    case 'emulator': {
      if (!config.gatewayUrl)
        throw new Error('braintree.gatewayUrl is required for the emulator environment');
      const u = new URL(config.gatewayUrl);
      const port = u.port || (u.protocol === 'https:' ? '443' : '80');
      return new (sdk().Environment)(u.hostname, port, `${u.protocol}//${u.host}`, false, u.hostname, port);
    }
  }
}

/**
 * The SDK gateway. `requestTimeoutMs` sets the SDK's own socket timeout (default 60 s, config.js) so a hung
 * request is torn down when the policy gives up on it, not a minute later.
 */
export function createBraintreeGateway(
  config: BraintreeConfig,
  requestTimeoutMs?: number,
  keys: BraintreeKeyPair = config,
): braintree.BraintreeGateway {
  const gateway = new (sdk().BraintreeGateway)({
    environment: braintreeEnvironment(config),
    merchantId: config.merchantId,
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
  });
  if (requestTimeoutMs !== undefined) (gateway.config as { timeout: number }).timeout = requestTimeoutMs;
  return gateway;
}

const NOT_GATEWAY_PROPS = new Set([
  'then',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/**
 * A gateway that is built (and the SDK loaded) on first property access; everything after that goes
 * straight to the real gateway. Configuration was validated at boot, so building it cannot fail on input.
 */
export function lazyBraintreeGateway(create: () => braintree.BraintreeGateway): braintree.BraintreeGateway {
  let real: braintree.BraintreeGateway | undefined;
  return new Proxy({} as braintree.BraintreeGateway, {
    // Nest probes every provider for `then` (it awaits factories) and for lifecycle hooks; the gateway has
    // neither, and answering them must not build it.
    get: (_target, prop) =>
      typeof prop === 'symbol' || NOT_GATEWAY_PROPS.has(prop)
        ? undefined
        : Reflect.get((real ??= create()), prop),
    set: (_target, prop, value) => Reflect.set((real ??= create()), prop, value),
  });
}
