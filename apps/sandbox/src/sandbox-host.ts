import { SANDBOX_DEFAULTS, SANDBOX_PORTS } from '@aia/platform';
import { createAttioEmulator } from '@aia/sandbox-attio';
import { createBraintreeEmulator } from '@aia/sandbox-braintree';
import { RunningEmulator } from '@aia/sandbox-kit';
import { createZohoEmulator } from '@aia/sandbox-zoho';
import { join } from 'node:path';

export interface SandboxHostOptions {
  host?: string;
  /** Ports; 0 picks a free one (tests). */
  ports?: { attio: number; zoho: number; braintree: number };
  /** Where the API listens; webhooks of all three emulators are delivered there. */
  apiUrl: string;
  /** Directory for the emulators' JSON state; in memory when unset. */
  dataDir?: string;
}

export interface RunningSandbox {
  urls: { attio: string; zoho: string; braintree: string };
  close(): Promise<void>;
}

/**
 * Runs the three emulators the way `npm start` needs them: seeded with plans, and with their webhooks
 * pointed at the API and signed with the secrets the API's sandbox defaults expect — as an operator
 * would have configured the real platforms.
 */
export async function startSandbox(options: SandboxHostOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? SANDBOX_PORTS;
  const file = (name: string) =>
    options.dataDir ? join(options.dataDir, 'sandbox', `${name}.json`) : undefined;
  const api = options.apiUrl.replace(/\/$/, '');

  const attio = createAttioEmulator({ dataFile: file('attio') });
  const zoho = createZohoEmulator({
    dataFile: file('zoho'),
    webhookUrl: `${api}/webhooks/zoho`,
    webhookSecret: SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET,
  });
  const braintree = createBraintreeEmulator({
    dataFile: file('braintree'),
    webhookUrl: `${api}/webhooks/braintree`,
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
  const seeded = await fetch(`${zohoRun.url}/__sandbox/seed`, { method: 'POST' });
  if (!seeded.ok) throw new Error(`Zoho emulator seed failed: ${seeded.status}`);

  const target = `${api}/webhooks/attio`;
  if (!attio.state.webhooks.some((w) => w.target_url === target)) {
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
    webhook.secret = SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET;
  }

  return {
    urls: { attio: `${attioRun.url}/v2`, zoho: zohoRun.url, braintree: braintreeRun.url },
    close: async () => {
      await Promise.allSettled([attio.close(), zoho.close(), braintree.close()]);
    },
  };
}
