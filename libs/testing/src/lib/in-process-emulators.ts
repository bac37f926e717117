/*
 * The three emulators in one process, wired to an API the way `apps/sandbox` wires them for `npm start`: Zoho
 * and Braintree webhooks pointed at the API, an Attio webhook signed with the API's sandbox secret, Zoho's
 * plans seeded. One copy for the flow suites (apps/api/src/testing), the browser suites (apps/api-e2e) and the
 * benches (bench/), which each used to carry their own. Never imported by product code (type:testing).
 */
import { SANDBOX_DEFAULTS } from '@aia/platform';
import { createAttioEmulator } from '@aia/sandbox-attio';
import type { AttioEmulator } from '@aia/sandbox-attio';
import { createBraintreeEmulator } from '@aia/sandbox-braintree';
import type { BraintreeEmulator } from '@aia/sandbox-braintree';
import { createZohoEmulator } from '@aia/sandbox-zoho';
import type { ZohoEmulator } from '@aia/sandbox-zoho';

/** Limits the emulators enforce (fixed windows: Attio per second, Zoho per minute). */
export interface EmulatorLimits {
  attioReadsPerSecond: number;
  attioWritesPerSecond: number;
  zohoRequestsPerMinute: number;
}

/** Generous enough that no suite meets them unless it lowers them on purpose. */
export const TEST_EMULATOR_LIMITS: EmulatorLimits = {
  attioReadsPerSecond: 1_000,
  attioWritesPerSecond: 1_000,
  zohoRequestsPerMinute: 100_000,
};

/** Webhook retry delay of the suites (the platforms' own delays are seconds to hours). */
const TEST_WEBHOOK_BASE_DELAY_MS = 20;

export interface InProcessEmulatorOptions {
  /** Default TEST_EMULATOR_LIMITS. */
  limits?: EmulatorLimits;
  /** Keep the platforms' own webhook retry delays instead of the suites' 20 ms (benches). */
  platformWebhookDelays?: boolean;
  /** Called before the servers listen: the place for Fastify hooks (a bench counts requests there). */
  beforeListen?: (emulators: {
    attio: AttioEmulator;
    zoho: ZohoEmulator;
    braintree: BraintreeEmulator;
  }) => void;
}

export interface InProcessEmulators {
  attio: AttioEmulator;
  zoho: ZohoEmulator;
  braintree: BraintreeEmulator;
  /** Where each emulator listens (Attio's REST base is `${urls.attio}/v2`). */
  urls: { attio: string; zoho: string; braintree: string };
  /** The environment that points an API at these emulators (merge into loadAppConfig's input). */
  env: Record<string, string>;
  /** Turns every emulator's webhooks to the API on or off (off: nothing is sent, nothing is queued). */
  setWebhooks(on: boolean): void;
  close(): Promise<void>;
}

export async function startInProcessEmulators(
  apiUrl: string,
  options: InProcessEmulatorOptions = {},
): Promise<InProcessEmulators> {
  const limits = options.limits ?? TEST_EMULATOR_LIMITS;
  const webhookBaseDelayMs = options.platformWebhookDelays ? undefined : TEST_WEBHOOK_BASE_DELAY_MS;
  const zohoWebhooks = { url: `${apiUrl}/webhooks/zoho`, secret: SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET };
  const braintreeWebhookUrl = `${apiUrl}/webhooks/braintree`;
  const attio = createAttioEmulator({
    readsPerSecond: limits.attioReadsPerSecond,
    writesPerSecond: limits.attioWritesPerSecond,
    webhookBaseDelayMs,
  });
  const zoho = createZohoEmulator({
    requestsPerMinute: limits.zohoRequestsPerMinute,
    webhookUrl: zohoWebhooks.url,
    webhookSecret: zohoWebhooks.secret,
    webhookBaseDelayMs,
  });
  const braintree = createBraintreeEmulator({ webhookUrl: braintreeWebhookUrl, webhookBaseDelayMs });
  const close = async () => {
    await Promise.allSettled([attio.close(), zoho.close(), braintree.close()]);
  };
  try {
    options.beforeListen?.({ attio, zoho, braintree });
    const attioRun = await attio.listen(0);
    const zohoRun = await zoho.listen(0);
    const braintreeRun = await braintree.listen(0);
    zoho.seed();
    const webhook = attio.state.createWebhook({
      data: {
        target_url: `${apiUrl}/webhooks/attio`,
        subscriptions: [
          { event_type: 'record.created', filter: null },
          { event_type: 'record.updated', filter: null },
        ],
      },
    });
    // What an operator does with the secret Attio returns once: store it as the API's ATTIO_WEBHOOK_SECRET.
    webhook.secret = SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET;
    return {
      attio,
      zoho,
      braintree,
      urls: { attio: attioRun.url, zoho: zohoRun.url, braintree: braintreeRun.url },
      env: {
        ATTIO_API_URL: `${attioRun.url}/v2`,
        ZOHO_ACCOUNTS_URL: zohoRun.url,
        ZOHO_API_URL: `${zohoRun.url}/billing/v1`,
        ZOHO_REQUESTS_PER_MINUTE: String(limits.zohoRequestsPerMinute),
        BRAINTREE_GATEWAY_URL: braintreeRun.url,
      },
      setWebhooks(on) {
        webhook.status = on ? 'active' : 'inactive';
        zoho.configureWebhooks(on ? zohoWebhooks : {});
        braintree.state.webhookUrl = on ? braintreeWebhookUrl : null;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
