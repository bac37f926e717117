import {
  createAttioClient,
  getAttioErrorCode,
  getAttioErrorPayload,
  getAttioErrorStatus,
} from 'attio-ts-sdk';
import { z } from 'zod';
import {
  ATTIO_SANDBOX_TOKEN,
  AttioEmulator,
  AttioEmulatorOptions,
  createAttioEmulator,
} from '../lib/attio-emulator';

/** Attio's error body (attio-ts-sdk types.gen.ts `*Errors`), used to check every error answer. */
export const attioErrorBodySchema = z.object({
  status_code: z.number().int(),
  type: z.string().min(1),
  code: z.string().min(1),
  message: z.string(),
});

export interface AttioHarness {
  emulator: AttioEmulator;
  /** Base URL as the SDK wants it (without /v2). */
  origin: string;
  /** Base URL of the API (with /v2), as AppConfig.attio.apiUrl holds it. */
  apiUrl: string;
  sdk: ReturnType<typeof createAttioClient>;
  /** Raw request with the sandbox token (for status codes, headers and error bodies). */
  call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; headers: Headers; json: unknown }>;
  /**
   * Batches webhook deliveries through the control API (`PUT /__sandbox/webhooks/batching`): the events a
   * webhook wants within `windowMs` go out as one delivery. 0 = one event per delivery (the default).
   */
  batchWebhooks(windowMs: number): Promise<void>;
  /** Sends the waiting batches (`POST /__sandbox/webhooks/flush`), then waits until every delivery settled. */
  settleWebhooks(): Promise<void>;
  close(): Promise<void>;
}

export async function startAttio(options: AttioEmulatorOptions = {}): Promise<AttioHarness> {
  const emulator = createAttioEmulator({
    readsPerSecond: 10_000,
    writesPerSecond: 10_000,
    webhookBaseDelayMs: 20,
    ...options,
  });
  const running = await emulator.listen(0);
  const origin = running.url;
  const sdk = createAttioClient({
    apiKey: ATTIO_SANDBOX_TOKEN,
    baseUrl: origin,
    // The SDK's own retries would hide the emulator's answers.
    retry: { maxRetries: 0 },
    cache: { enabled: false },
  });
  const call: AttioHarness['call'] = async (method, path, body, token = ATTIO_SANDBOX_TOKEN) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  return {
    emulator,
    origin,
    apiUrl: `${origin}/v2`,
    sdk,
    call,
    async batchWebhooks(windowMs) {
      const res = await call('PUT', '/__sandbox/webhooks/batching', { windowMs });
      if (res.status !== 200) throw new Error(`batching refused: ${res.status} ${JSON.stringify(res.json)}`);
    },
    async settleWebhooks() {
      await call('POST', '/__sandbox/webhooks/flush');
      await emulator.server.webhooks.settle();
    },
    close: () => emulator.close(),
  };
}

/** A record body `{data: {values}}` — the write shape for create, patch, put and assert. */
export const valuesBody = <V extends Record<string, unknown>>(values: V) => ({ data: { values } });

export const companyValues = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `Company ${n}`,
  domains: [`company-${n}.example.com`],
  ...extra,
});

/**
 * Runs an SDK call that must fail, and checks the failure as the SDK sees it (status, code) and the raw
 * body against Attio's error shape.
 */
export async function expectAttioError(call: Promise<unknown>, status: number, code: string): Promise<void> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error(`expected an Attio ${status} ${code} error, the call succeeded`);
  expect({ status: getAttioErrorStatus(caught), code: getAttioErrorCode(caught) }).toEqual({ status, code });
  const payload = getAttioErrorPayload(caught);
  expect(attioErrorBodySchema.parse(payload)).toMatchObject({ status_code: status, code });
}
