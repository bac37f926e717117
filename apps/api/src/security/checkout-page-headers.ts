/*
 * Test-only: apps/checkout/security-headers.mjs evaluated in a bare Node process. An app may not import
 * another app (@nx/enforce-module-boundaries), and jest runs CommonJS; a child process is neither.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(__dirname, '../../../..');
export const CHECKOUT_HEADERS_MODULE = join(ROOT, 'apps/checkout/security-headers.mjs');

export interface CheckoutHeaderOptions {
  apiUrl: string;
  braintreeEnvironment?: 'production' | 'sandbox';
  threeDSecure?: boolean;
  sandboxOrigins?: string[];
}

/** The JSON value of `expression`, where `m` is the module's namespace. */
export function evaluateCheckoutHeaders<T>(expression: string): T {
  const script = [
    `import * as m from ${JSON.stringify(pathToFileURL(CHECKOUT_HEADERS_MODULE).href)};`,
    `process.stdout.write(JSON.stringify(${expression}));`,
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out) as T;
}

/** checkoutSecurityHeaders(options) for each option set, in one process. */
export function checkoutSecurityHeaders(...options: CheckoutHeaderOptions[]): Array<Record<string, string>> {
  return evaluateCheckoutHeaders(`${JSON.stringify(options)}.map((o) => m.checkoutSecurityHeaders(o))`);
}

/** A Content-Security-Policy value as directive → sources. */
export function parseCsp(value: string): Map<string, string[]> {
  return new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}
