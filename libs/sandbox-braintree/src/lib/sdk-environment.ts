import * as braintree from 'braintree';
import { BRAINTREE_SANDBOX_CREDENTIALS } from './braintree-emulator';

/**
 * `new braintree.Environment(host, port, authUrl, ssl=false, graphQLHost, graphQLPort)` pointed at the
 * emulator (braintree/lib/braintree/environment.js; TOOLCHAIN.md). Plain HTTP for REST and GraphQL.
 */
export function sdkEnvironment(url: string): braintree.Environment {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return new braintree.Environment(u.hostname, port, `${u.protocol}//${u.host}`, false, u.hostname, port);
}

/** An official SDK gateway talking to the emulator at `url` (sandbox credentials unless given). */
export function gatewayFor(
  url: string,
  credentials: { merchantId: string; publicKey: string; privateKey: string } = BRAINTREE_SANDBOX_CREDENTIALS,
): braintree.BraintreeGateway {
  return new braintree.BraintreeGateway({ environment: sdkEnvironment(url), ...credentials });
}

/**
 * `braintree.Test` with the instance type @types/braintree declares for it (the package exports the values
 * object itself, typed there as a class), so `BraintreeTest.Nonces.Transactable` type-checks.
 */
export const BraintreeTest: braintree.Test = braintree.Test as unknown as braintree.Test;
