/*
 * The whole checkout as a customer meets it: the three emulators (in this process, so a test can act as a
 * salesperson in Attio and read every system's state), the real API in its own Node process (bundled from
 * apps/api/src/testing/api-process.ts the way the API itself is built), and the checkout SPA built against
 * that API and served by `vite preview`.
 *
 * Why not `startApiStack` from apps/api/src/testing/api-stack.ts: @nx/enforce-module-boundaries forbids
 * relative imports across projects, and an alias into an app would be an import of an app (also refused).
 * Spawning a bundle is no import; the emulators come from libs/testing (as api-stack.ts gets them).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ATTIO_SANDBOX_TOKEN } from '@aia/sandbox-attio';
import type { AttioEmulator } from '@aia/sandbox-attio';
import type { BraintreeEmulator } from '@aia/sandbox-braintree';
import type { ZohoEmulator } from '@aia/sandbox-zoho';
import { attioRecordValues, launchChromium, startInProcessEmulators } from '@aia/testing';
import type { Browser } from 'playwright-core';
import { freePort, ROOT, Running, start, waitForHttp } from './processes';

const run = promisify(execFile);
/** Set explicitly (not the sandbox default) so a test signs in with what the API was given. */
const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const VITE = join(ROOT, 'node_modules/.bin/vite');

export interface CheckoutStack {
  /** Where the API answers (the SPA was built with this as VITE_API_URL). */
  apiUrl: string;
  /** The `vite preview` origin; the API's CHECKOUT_PUBLIC_URL (links and CORS). */
  checkoutUrl: string;
  /** Attio's REST base (…/v2). */
  attioApiUrl: string;
  /** The API's ADMIN_TOKEN (admin routes, the /ops page). */
  adminToken: string;
  attio: AttioEmulator;
  zoho: ZohoEmulator;
  braintree: BraintreeEmulator;
  /** What the API process and the preview server printed (for a failing test's message). */
  logs(): string;
  close(): Promise<void>;
}

/** The API process: resolves once it printed `{"ready": url}`; `stop` is SIGTERM, then SIGKILL after 10 s. */
async function startApiProcess(bundle: string, env: Record<string, string>, timeoutMs = 20_000) {
  // Only what the API needs: a developer's REDIS_URL or INTEGRATION_MODE must not leak into the test.
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 10_000).unref()),
      ]);
      if (killed) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    child.stdout.destroy();
    child.stderr.destroy();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`API not ready within ${timeoutMs} ms`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`API process exited (${code}) before it was ready`));
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        out += `${line}\n`;
        if (line.startsWith('{"ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}:\n${out}`);
  }
  return { output: () => out, stop };
}

/** Polls until `probe` returns a value (not undefined/false), or fails naming `what` after timeoutMs. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Emulators first (their URLs go into the API's environment), then the API bundle and the SPA build in
 * parallel, each into a fresh directory under tmp/ (never dist/apps/checkout, which other suites and the
 * benches build into), then the API process and `vite preview`.
 */
export async function startCheckoutStack(): Promise<CheckoutStack> {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const workDir = mkdtempSync(join(ROOT, 'tmp', 'api-e2e-checkout-'));
  const apiPort = await freePort();
  let previewPort = await freePort();
  while (previewPort === apiPort) previewPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const checkoutUrl = `http://localhost:${previewPort}`;
  const cleanups: Array<() => Promise<void>> = [];
  let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
  let preview: Running | undefined;
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const emulators = await startInProcessEmulators(apiUrl);
    cleanups.push(emulators.close);

    const bundle = join(workDir, 'api', 'api-process.js');
    const spaDir = join(workDir, 'checkout');
    await Promise.all([
      run(process.execPath, ['tools/build-node-app.mjs', 'apps/api/src/testing/api-process.ts', bundle], {
        cwd: ROOT,
      }),
      run(
        VITE,
        ['build', '--config', 'apps/checkout/vite.config.mts', '--outDir', spaDir, '--logLevel', 'warn'],
        { cwd: ROOT, env: { ...process.env, VITE_API_URL: apiUrl } },
      ),
    ]);

    api = await startApiProcess(bundle, {
      ...emulators.env,
      DATA_DIR: join(workDir, 'data'),
      PORT: String(apiPort),
      PUBLIC_API_URL: apiUrl,
      CHECKOUT_PUBLIC_URL: checkoutUrl,
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    });
    cleanups.push(api.stop);

    preview = start(VITE, [
      'preview',
      '--config',
      'apps/checkout/vite.config.mts',
      '--outDir',
      spaDir,
      '--port',
      String(previewPort),
      '--strictPort',
    ]);
    cleanups.push(preview.stop);
    await waitForHttp(checkoutUrl, 20_000);

    // The API provisions Attio's attributes (checkout_link, subscription_status, …) on start.
    await eventually('Attio provisioned by the API', () =>
      emulators.attio.state
        .attributesOf(emulators.attio.state.object('companies'), false)
        .some((a) => a.api_slug === 'checkout_link'),
    );

    return {
      apiUrl,
      checkoutUrl,
      attioApiUrl: emulators.env['ATTIO_API_URL'],
      adminToken: E2E_ADMIN_TOKEN,
      attio: emulators.attio,
      zoho: emulators.zoho,
      braintree: emulators.braintree,
      logs: () => `--- API ---\n${api?.output() ?? ''}\n--- vite preview ---\n${preview?.output() ?? ''}`,
      close,
    };
  } catch (err) {
    const logs = `${api?.output() ?? ''}${preview?.output() ?? ''}`;
    await close();
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`checkout stack did not start: ${(err as Error).message}\n${stderr}${logs}`);
  }
}

/**
 * The stack and Chromium, started side by side (both take seconds). When one of them fails, the other is
 * closed before the error is thrown, so a failed beforeAll leaves no process behind.
 */
export async function startStackAndBrowser(): Promise<{ stack: CheckoutStack; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([startCheckoutStack(), launchChromium()]);
  if (started.status === 'fulfilled' && launched.status === 'fulfilled')
    return { stack: started.value, browser: launched.value };
  if (started.status === 'fulfilled') await started.value.close();
  if (launched.status === 'fulfilled') await launched.value.close();
  throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
}

// ---- Attio, as a salesperson uses it ----

let companies = 0;

/** A company created through Attio's REST API, as an import would. */
export async function createCompany(
  stack: CheckoutStack,
  name = `Browser Co ${++companies}`,
): Promise<string> {
  const res = await fetch(`${stack.attioApiUrl}/objects/companies/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ATTIO_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { values: { name } } }),
  });
  if (!res.ok) throw new Error(`create company: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { id: { record_id: string } } }).data.id.record_id;
}

/** The record's current values as Attio shows them (select options by title), from the emulator's state. */
export function recordValues(stack: CheckoutStack, recordId: string): Record<string, string | undefined> {
  return attioRecordValues(stack.attio, recordId);
}

/**
 * What a salesperson does in Attio's UI: picks the plan and flips subscription_status to send_checkout
 * (the emulator fires the webhooks a real edit fires). Returns the link the API writes on the record.
 */
export async function sendCheckoutLink(
  stack: CheckoutStack,
  recordId: string,
  plan = 'pro-monthly',
): Promise<string> {
  stack.attio.userEdit('companies', recordId, {
    subscription_plan: plan,
    subscription_status: 'send_checkout',
  });
  return eventually('the checkout link on the Attio record', () => {
    const v = recordValues(stack, recordId);
    return v['subscription_status'] === 'checkout_sent' && v['checkout_link'];
  });
}
