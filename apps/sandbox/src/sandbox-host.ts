import { SANDBOX_DEFAULTS, SANDBOX_PORTS } from '@aia/platform';
import { createAttioEmulator } from '@aia/sandbox-attio';
import { createBraintreeEmulator } from '@aia/sandbox-braintree';
import { RunningEmulator } from '@aia/sandbox-kit';
import { createZohoEmulator } from '@aia/sandbox-zoho';
import { join } from 'node:path';

/** What the emulators accept and sign with; the API's configuration (see sandbox-config.ts). */
export interface SandboxCredentials {
  attioApiToken: string;
  /** Secret of the Attio webhook pointed at the API (ATTIO_WEBHOOK_SECRET). */
  attioWebhookSecret: string;
  zoho: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
    organizationId: string;
    /** Secret Zoho's webhooks are signed with (ZOHO_WEBHOOK_SECRET). */
    webhookSecret: string;
  };
  /** Braintree webhooks are signed with this key pair (bt_signature), as the gateway signs with the API keys. */
  braintree: {
    merchantId: string;
    publicKey: string;
    privateKey: string;
    /** merchant account id → currency; the first is the default account. */
    merchantAccounts: Record<string, string>;
  };
}

/** The API's sandbox defaults (SANDBOX_DEFAULTS in libs/platform): what an empty `.env` gives both sides. */
export const DEFAULT_SANDBOX_CREDENTIALS: SandboxCredentials = {
  attioApiToken: SANDBOX_DEFAULTS.ATTIO_API_TOKEN,
  attioWebhookSecret: SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET,
  zoho: {
    clientId: SANDBOX_DEFAULTS.ZOHO_CLIENT_ID,
    clientSecret: SANDBOX_DEFAULTS.ZOHO_CLIENT_SECRET,
    refreshToken: SANDBOX_DEFAULTS.ZOHO_REFRESH_TOKEN,
    organizationId: SANDBOX_DEFAULTS.ZOHO_ORG_ID,
    webhookSecret: SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET,
  },
  braintree: {
    merchantId: SANDBOX_DEFAULTS.BRAINTREE_MERCHANT_ID,
    publicKey: SANDBOX_DEFAULTS.BRAINTREE_PUBLIC_KEY,
    privateKey: SANDBOX_DEFAULTS.BRAINTREE_PRIVATE_KEY,
    merchantAccounts: { sandbox_usd: 'USD', sandbox_eur: 'EUR', sandbox_gbp: 'GBP' },
  },
};

export interface SandboxHostOptions {
  host?: string;
  /** Ports; 0 picks a free one (tests). */
  ports?: { attio: number; zoho: number; braintree: number };
  /** Where the API listens; webhooks of all three emulators are delivered there. */
  apiUrl: string;
  /** Directory for the emulators' JSON state; in memory when unset. */
  dataDir?: string;
  /** Credentials and secrets; DEFAULT_SANDBOX_CREDENTIALS when unset. */
  credentials?: SandboxCredentials;
}

export interface RunningSandbox {
  urls: { attio: string; zoho: string; braintree: string };
  close(): Promise<void>;
}

/**
 * Runs the three emulators the way `npm start` needs them: seeded with plans, accepting the credentials the
 * API is configured with, and with their webhooks pointed at the API and signed with the secrets it verifies
 * with — as an operator would have configured the real platforms. main.ts resolves these from the API's own
 * environment (sandbox-config.ts); without them, the sandbox defaults.
 */
export async function startSandbox(options: SandboxHostOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? SANDBOX_PORTS;
  const file = (name: string) =>
    options.dataDir ? join(options.dataDir, 'sandbox', `${name}.json`) : undefined;
  const api = options.apiUrl.replace(/\/$/, '');
  const credentials = options.credentials ?? DEFAULT_SANDBOX_CREDENTIALS;
  const { webhookSecret: zohoWebhookSecret, ...zohoCredentials } = credentials.zoho;
  const { merchantAccounts, ...braintreeCredentials } = credentials.braintree;

  const attio = createAttioEmulator({ dataFile: file('attio'), apiToken: credentials.attioApiToken });
  const zoho = createZohoEmulator({
    dataFile: file('zoho'),
    webhookUrl: `${api}/webhooks/zoho`,
    webhookSecret: zohoWebhookSecret,
    credentials: zohoCredentials,
  });
  const braintree = createBraintreeEmulator({
    dataFile: file('braintree'),
    webhookUrl: `${api}/webhooks/braintree`,
    // Braintree signs bt_signature with the merchant's API key pair; the API verifies with the same pair.
    credentials: braintreeCredentials,
    merchantAccounts,
  });

  const running: RunningEmulator[] = [];
  try {
    running.push(
      await attio.listen(ports.attio, host),
      await zoho.listen(ports.zoho, host),
      await braintree.listen(ports.braintree, host),
    );
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.close()));
    throw err;
  }
  const [attioRun, zohoRun, braintreeRun] = running;

  // Plans to subscribe to; seeding is idempotent, so a restart with saved state adds nothing.
  // In process (what `POST /__sandbox/seed` does), so no pooled HTTP connection outlives a restart.
  zoho.seed();

  const target = `${api}/webhooks/attio`;
  // Saved state may hold the webhook from an earlier start, made with another secret or API URL: keep one,
  // pointed at the API as configured now and signing with the configured secret (else every delivery is 401).
  const ours = attio.state.webhooks.filter((w) => /\/webhooks\/attio$/.test(w.target_url));
  for (const stale of ours.slice(1)) attio.state.deleteWebhook(stale.id.webhook_id);
  if (ours[0]) {
    ours[0].target_url = target;
    ours[0].secret = credentials.attioWebhookSecret;
  } else {
    const webhook = attio.state.createWebhook({
      data: {
        target_url: target,
        subscriptions: [
          { event_type: 'record.created', filter: null },
          { event_type: 'record.updated', filter: null },
        ],
      },
    });
    // The API verifies with ATTIO_WEBHOOK_SECRET; a real operator copies the secret Attio returns there.
    webhook.secret = credentials.attioWebhookSecret;
  }

  return {
    urls: { attio: `${attioRun.url}/v2`, zoho: zohoRun.url, braintree: braintreeRun.url },
    close: async () => {
      await Promise.allSettled([attio.close(), zoho.close(), braintree.close()]);
    },
  };
}
