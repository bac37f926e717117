/* The whole service against the three emulators, in-process (specs only; never imported by production code). */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadAppConfig } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import type { AttioEmulator } from '@aia/sandbox-attio';
import type { BraintreeEmulator } from '@aia/sandbox-braintree';
import type { ZohoEmulator } from '@aia/sandbox-zoho';
import { startInProcessEmulators } from '@aia/testing';
import type { InProcessEmulators } from '@aia/testing';
import { SandboxProvisioner } from '@aia/workflows';
import { Registry } from 'prom-client';
import { createApiApp } from '../app/create-api-app';
import type { AppModuleOverrides } from '../app/app.module';

export const ADMIN_TOKEN = 'flow-test-admin-token';

/** Short backoffs and timeouts so retries take milliseconds in tests (the policy logic is unchanged). */
export const FAST_OVERRIDES: AppModuleOverrides = {
  events: {
    queue: {
      concurrency: 4,
      maxAttempts: 4,
      backoff: { baseMs: 50, maxMs: 200 },
      leaseMs: 5_000,
      pollIntervalMs: 20,
      retentionMs: 3_600_000,
      keyRecheckMs: 20,
    },
    shutdownGraceMs: 2_000,
    sweep: { intervalMs: 60_000, minAgeMs: 30_000 },
    metricsRegistry: new Registry(),
  },
  // Searches by orderId look for 300 ms instead of 10 s (the emulator's search has no lag unless injected).
  braintree: { chargeSearch: { searchLagMs: 300, searchRetryMs: 100 } },
  policies: {
    attio: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
    zoho: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
    braintree: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
  },
};

export interface ApiStack {
  app: NestFastifyApplication;
  config: AppConfig;
  apiUrl: string;
  attio: AttioEmulator;
  zoho: ZohoEmulator;
  braintree: BraintreeEmulator;
  dataDir: string;
  /** Closes the API only (a crash/restart); the emulators keep their state. */
  stopApi(): Promise<void>;
  /** Starts the API again on the same port and data directory. */
  startApi(overrides?: AppModuleOverrides): Promise<void>;
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The three emulators in-process (libs/testing): fast webhook retries, generous rate limits. */
export type Emulators = InProcessEmulators;

/** What the flow fixtures need: the emulators and where the API answers. */
export type FlowTarget = Pick<ApiStack, 'apiUrl' | 'attio' | 'zoho' | 'braintree' | 'config'>;

/** The emulators with their webhooks pointed at `apiUrl`, signed with the API's sandbox secrets. */
export function startEmulators(apiUrl: string): Promise<Emulators> {
  return startInProcessEmulators(apiUrl);
}

/**
 * Starts the emulators, then the real API composed as in production, its webhooks wired to the API's port,
 * and waits for the sandbox provisioning of Attio.
 */
export async function startApiStack(
  options: { env?: Record<string, string>; overrides?: AppModuleOverrides } = {},
): Promise<ApiStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aia-flow-'));
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const emulators = await startEmulators(apiUrl);
  const { attio, zoho, braintree } = emulators;
  const config = loadAppConfig({
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_API_URL: apiUrl,
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    ...emulators.env,
    ...options.env,
  });

  let app: NestFastifyApplication | undefined;
  const stack: ApiStack = {
    get app() {
      if (!app) throw new Error('the API is stopped');
      return app;
    },
    config,
    apiUrl,
    attio,
    zoho,
    braintree,
    dataDir,
    async startApi(overrides = options.overrides ?? FAST_OVERRIDES) {
      const events = { ...overrides.events, metricsRegistry: new Registry() };
      app = await createApiApp(config, { ...overrides, events });
      app.enableShutdownHooks();
      await app.listen(port, '127.0.0.1');
      await app.get(SandboxProvisioner).done;
    },
    async stopApi() {
      await app?.close();
      app = undefined;
    },
    async close() {
      await stack.stopApi();
      await emulators.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await stack.startApi();
  return stack;
}

/** Polls until `probe` returns a value (not undefined/false), or fails with `what` after timeoutMs. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
