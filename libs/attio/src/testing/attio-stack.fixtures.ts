import {
  HttpRequest,
  HttpResponse,
  requestJson,
  UpstreamMetrics,
  UpstreamPolicy,
  UpstreamPolicyConfig,
  UpstreamPolicyDeps,
} from '@aia/platform';
// Test-only helper (used by specs, never exported from the lib): specs may start the emulator in-process.
import {
  ATTIO_SANDBOX_TOKEN,
  AttioEmulator,
  AttioEmulatorOptions,
  createAttioEmulator,
} from '@aia/sandbox-attio';
import { Registry } from 'prom-client';
import { AttioClient } from '../lib/attio.client';
import type { AttioHttpTransport } from '../lib/attio-http.transport';
import { attioPolicyConfig } from '../lib/attio.module';

/** Small delays so retry/breaker tests take milliseconds, never real minutes. */
export const FAST_POLICY: Partial<UpstreamPolicyConfig> = {
  timeoutMs: 2_000,
  maxAttempts: 4,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxRetryAfterMs: 2_000,
  breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 },
};

/** One recorded attempt (what reached the transport and what came back). */
export interface TransportCall {
  method: string;
  path: string;
  at: number;
  status?: number;
  error?: string;
}

export interface AttioStack {
  emulator: AttioEmulator;
  apiUrl: string;
  policy: UpstreamPolicy;
  client: AttioClient;
  calls: TransportCall[];
  /** Replace to simulate transport-level failures; defaults to the real fetch wrapper. */
  setTransport(t: AttioHttpTransport): void;
  close(): Promise<void>;
}

const silentLogger = { info: () => undefined, warn: () => undefined };

/** Emulator in-process + an AttioClient pointed at it, with a recording transport and a private registry. */
export async function startAttioStack(
  options: {
    emulator?: AttioEmulatorOptions;
    policy?: Partial<UpstreamPolicyConfig>;
    deps?: UpstreamPolicyDeps;
    token?: string;
  } = {},
): Promise<AttioStack> {
  const emulator = createAttioEmulator({
    readsPerSecond: 10_000,
    writesPerSecond: 10_000,
    webhookBaseDelayMs: 10,
    ...options.emulator,
  });
  const running = await emulator.listen(0);
  const apiUrl = `${running.url}/v2`;
  const calls: TransportCall[] = [];
  let inner: AttioHttpTransport = requestJson;
  const recording: AttioHttpTransport = async (req: HttpRequest): Promise<HttpResponse> => {
    const call: TransportCall = { method: req.method, path: req.path, at: Date.now() };
    calls.push(call);
    try {
      const res = await inner(req);
      call.status = res.status;
      return res;
    } catch (err) {
      call.error = err instanceof Error ? err.message : String(err);
      throw err;
    }
  };
  const config = attioPolicyConfig({ ...FAST_POLICY, ...options.policy });
  const policy = new UpstreamPolicy(config, {
    metrics: new UpstreamMetrics(new Registry()),
    logger: silentLogger,
    ...options.deps,
  });
  const client = new AttioClient(policy, recording, {
    apiUrl,
    apiToken: options.token ?? ATTIO_SANDBOX_TOKEN,
    pacing: config.rateLimits,
  });
  return {
    emulator,
    apiUrl,
    policy,
    client,
    calls,
    setTransport: (t) => {
      inner = t;
    },
    close: () => emulator.close(),
  };
}

/** Seeds the custom attributes the integration writes (ARCHITECTURE.md §4) on `companies`. */
export async function seedIntegrationAttributes(stack: AttioStack): Promise<void> {
  await stack.client.createAttribute('companies', {
    title: 'Zoho customer id',
    api_slug: 'zoho_customer_id',
    type: 'text',
    is_unique: true,
  });
  await stack.client.createAttribute('companies', {
    title: 'Subscription status',
    api_slug: 'subscription_status',
    type: 'text',
  });
  await stack.client.createAttribute('companies', {
    title: 'Last payment at',
    api_slug: 'last_payment_at',
    type: 'timestamp',
  });
}

export const companyValues = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `Company ${n}`,
  domains: [`company-${n}.example.com`],
  ...extra,
});
