import * as braintree from 'braintree';
import type { AppConfig } from '@aia/platform';
import type { BraintreeKeyPair } from './braintree.tokens';

type BraintreeConfig = AppConfig['braintree'];

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
      return braintree.Environment.Production;
    case 'sandbox':
      return braintree.Environment.Sandbox;
    case 'emulator': {
      if (!config.gatewayUrl)
        throw new Error('braintree.gatewayUrl is required for the emulator environment');
      const u = new URL(config.gatewayUrl);
      const port = u.port || (u.protocol === 'https:' ? '443' : '80');
      return new braintree.Environment(u.hostname, port, `${u.protocol}//${u.host}`, false, u.hostname, port);
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
  const gateway = new braintree.BraintreeGateway({
    environment: braintreeEnvironment(config),
    merchantId: config.merchantId,
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
  });
  if (requestTimeoutMs !== undefined) (gateway.config as { timeout: number }).timeout = requestTimeoutMs;
  return gateway;
}
