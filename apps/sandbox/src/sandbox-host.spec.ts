import { ConfigValidationError, SANDBOX_DEFAULTS, SANDBOX_PORTS } from '@aia/platform';
import * as braintree from 'braintree';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSandboxConfig, resolveSandboxConfig } from './sandbox-config';
import { RunningSandbox, startSandbox } from './sandbox-host';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('sandbox host', () => {
  let sandbox: RunningSandbox;
  let api: Server;
  const received: Received[] = [];

  beforeAll(async () => {
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    sandbox = await startSandbox({ apiUrl, ports: { attio: 0, zoho: 0, braintree: 0 } });
  });

  afterAll(async () => {
    await sandbox.close();
    await new Promise((r) => api.close(r));
  });

  it('seeds Zoho with plans reachable with the sandbox credentials', async () => {
    const token = await fetch(
      `${sandbox.urls.zoho}/oauth/v2/token?grant_type=refresh_token&client_id=${SANDBOX_DEFAULTS.ZOHO_CLIENT_ID}&client_secret=${SANDBOX_DEFAULTS.ZOHO_CLIENT_SECRET}&refresh_token=${SANDBOX_DEFAULTS.ZOHO_REFRESH_TOKEN}`,
      { method: 'POST' },
    ).then((r) => r.json() as Promise<{ access_token: string }>);
    const plans = await fetch(`${sandbox.urls.zoho}/billing/v1/plans`, {
      headers: {
        authorization: `Zoho-oauthtoken ${token.access_token}`,
        'X-com-zoho-subscriptions-organizationid': SANDBOX_DEFAULTS.ZOHO_ORG_ID,
      },
    }).then((r) => r.json() as Promise<{ code: number; plans: unknown[] }>);
    expect(plans.code).toBe(0);
    expect(plans.plans.length).toBeGreaterThan(0);
  });

  it('delivers Attio record events to the API signed with the sandbox webhook secret', async () => {
    const res = await fetch(`${sandbox.urls.attio}/objects/companies/records`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SANDBOX_DEFAULTS.ATTIO_API_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ data: { values: { name: 'Acme Ltd' } } }),
    });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!received.some((r) => r.url === '/webhooks/attio') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const delivery = received.find((r) => r.url === '/webhooks/attio');
    expect(delivery).toBeDefined();
    const expected = createHmac('sha256', SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET)
      .update(delivery?.body ?? '')
      .digest('hex');
    expect(delivery?.headers['attio-signature']).toBe(expected);
    expect(JSON.parse(delivery?.body ?? '{}').events[0].event_type).toBe('record.created');
  });

  it('answers the Braintree gateway with the sandbox merchant', async () => {
    const auth = Buffer.from(
      `${SANDBOX_DEFAULTS.BRAINTREE_PUBLIC_KEY}:${SANDBOX_DEFAULTS.BRAINTREE_PRIVATE_KEY}`,
    ).toString('base64');
    const res = await fetch(
      `${sandbox.urls.braintree}/merchants/${SANDBOX_DEFAULTS.BRAINTREE_MERCHANT_ID}/customers/nobody`,
      {
        headers: { authorization: `Basic ${auth}`, accept: 'application/xml', 'x-apiversion': '6' },
      },
    );
    expect(res.status).toBe(404);
  });
});

/** A stand-in for the API: records every delivery. */
async function receiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(received: Received[], path: string): Promise<Received> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const hit = received.find((r) => r.url === path);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no delivery to ${path}`);
}

/**
 * Zoho's documented signature (https://zohohelp.com/billing/kb/webhooks/securing-webhooks.html): HMAC-SHA256
 * over the sorted query parameters joined as key+value, then the raw body — what libs/zoho's
 * computeZohoSignature does (apps/sandbox may not import libs/zoho: module boundaries).
 */
function zohoSignature(secret: string, url: string, body: string): string {
  const params = [...new URL(url, 'http://x').searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', secret)
    .update(params.map(([k, v]) => `${k}${v}`).join('') + body)
    .digest('hex');
}

describe('sandbox configuration (the API environment)', () => {
  it('is the sandbox defaults with an empty environment', () => {
    const resolved = resolveSandboxConfig({});
    expect(resolved.options.ports).toEqual(SANDBOX_PORTS);
    expect(resolved.options.host).toBe('127.0.0.1');
    expect(resolved.options.apiUrl).toBe('http://localhost:3000');
    expect(resolved.options.credentials.attioWebhookSecret).toBe(SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET);
    expect(resolved.options.credentials.zoho.webhookSecret).toBe(SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET);
    expect(resolved.options.credentials.braintree.merchantAccounts).toEqual({
      sandbox_usd: 'USD',
      sandbox_eur: 'EUR',
      sandbox_gbp: 'GBP',
    });
    expect(resolved.settings.every((s) => s.source === 'default')).toBe(true);
    expect(resolved.warnings).toEqual([]);
  });

  it('takes ports from loopback URLs, the target from PUBLIC_API_URL, secrets (first of a rotation list) from the variables', () => {
    const resolved = resolveSandboxConfig({
      PORT: '3100',
      PUBLIC_API_URL: 'http://localhost:3100/',
      ATTIO_API_URL: 'http://localhost:5010/v2',
      ZOHO_API_URL: 'http://127.0.0.1:5020/billing/v1',
      ZOHO_ACCOUNTS_URL: 'http://127.0.0.1:5020',
      BRAINTREE_GATEWAY_URL: 'http://127.0.0.1:5030',
      ATTIO_WEBHOOK_SECRET: 'attio-new,attio-old',
      ZOHO_WEBHOOK_SECRET: 'zohonewsecret1,zohooldsecret1',
      BRAINTREE_MERCHANT_ACCOUNTS: 'EUR:acme_eur,USD:acme_usd',
      SOMETHING_ELSE: 'ignored',
    });
    expect(resolved.options.ports).toEqual({ attio: 5010, zoho: 5020, braintree: 5030 });
    expect(resolved.options.apiUrl).toBe('http://localhost:3100');
    expect(resolved.options.credentials.attioWebhookSecret).toBe('attio-new');
    expect(resolved.options.credentials.zoho.webhookSecret).toBe('zohonewsecret1');
    expect(resolved.options.credentials.braintree.merchantAccounts).toEqual({
      acme_eur: 'EUR',
      acme_usd: 'USD',
    });
    expect(resolved.warnings).toEqual([]);
  });

  it('lets SANDBOX_API_URL override the target and, bound to 0.0.0.0 (Docker), takes ports from service-name URLs', () => {
    const resolved = resolveSandboxConfig({
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_API_URL: 'http://api:3000',
      PUBLIC_API_URL: 'https://billing.example.com',
      ATTIO_API_URL: 'http://sandbox:4011/v2',
      ZOHO_API_URL: 'http://sandbox:4021/billing/v1',
      ZOHO_ACCOUNTS_URL: 'http://sandbox:4021',
      BRAINTREE_GATEWAY_URL: 'http://sandbox:4031',
    });
    expect(resolved.options.host).toBe('0.0.0.0');
    expect(resolved.options.apiUrl).toBe('http://api:3000');
    expect(resolved.options.ports).toEqual({ attio: 4011, zoho: 4021, braintree: 4031 });
  });

  it('keeps the default port, and says so, for a URL that is not this sandbox', () => {
    const resolved = resolveSandboxConfig({ ATTIO_API_URL: 'https://api.attio.com/v2' });
    expect(resolved.options.ports.attio).toBe(SANDBOX_PORTS.attio);
    expect(resolved.warnings.join('\n')).toMatch(/ATTIO_API_URL .* does not point at this sandbox/);
  });

  it('refuses Zoho Accounts and Billing on two ports, and invalid values as the API does', () => {
    expect(() =>
      resolveSandboxConfig({
        ZOHO_API_URL: 'http://127.0.0.1:5020/billing/v1',
        ZOHO_ACCOUNTS_URL: 'http://127.0.0.1:5021',
      }),
    ).toThrow(/same port/);
    expect(() => resolveSandboxConfig({ ZOHO_WEBHOOK_SECRET: 'short' })).toThrow(ConfigValidationError);
  });

  it('ignores the configuration in live mode (the API does not talk to the emulators)', () => {
    const resolved = resolveSandboxConfig({
      INTEGRATION_MODE: 'live',
      NODE_ENV: 'production',
      ATTIO_API_URL: 'https://api.attio.com/v2',
      ZOHO_WEBHOOK_SECRET: 'livezohosecret123',
    });
    expect(resolved.options.ports).toEqual(SANDBOX_PORTS);
    expect(resolved.options.credentials.zoho.webhookSecret).toBe(SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET);
    expect(resolved.warnings.join('\n')).toMatch(/INTEGRATION_MODE=live/);
  });

  it('reports each value as from .env or default, and never prints a configured secret', () => {
    const secrets = {
      ATTIO_API_TOKEN: 'attio-token-from-env-123',
      ATTIO_WEBHOOK_SECRET: 'attio-secret-from-env-123',
      ZOHO_CLIENT_SECRET: 'zoho-client-secret-123',
      ZOHO_REFRESH_TOKEN: 'zoho-refresh-123',
      ZOHO_WEBHOOK_SECRET: 'zohowebhooksecret123',
      BRAINTREE_PRIVATE_KEY: 'bt-private-123',
    };
    const text = describeSandboxConfig(resolveSandboxConfig(secrets)).join('\n');
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    expect(text).toMatch(/Zoho webhook secret\s+from \.env \/ environment \(ZOHO_WEBHOOK_SECRET\)/);
    expect(text).toMatch(/Attio webhook secret\s+from \.env \/ environment \(ATTIO_WEBHOOK_SECRET\)/);
    expect(text).toMatch(
      /Braintree public key\s+sandbox_public_key {2}default \(BRAINTREE_PUBLIC_KEY unset\)/,
    );
    expect(text).toMatch(/Attio port\s+4010 {2}default/);
  });
});

describe('sandbox host with a custom configuration', () => {
  const env = {
    ATTIO_API_TOKEN: 'custom-attio-token',
    ATTIO_WEBHOOK_SECRET: 'custom-attio-webhook-secret,older-attio-secret',
    ZOHO_CLIENT_ID: 'custom-zoho-client',
    ZOHO_CLIENT_SECRET: 'custom-zoho-secret',
    ZOHO_REFRESH_TOKEN: 'custom-zoho-refresh',
    ZOHO_ORG_ID: '20000002',
    ZOHO_WEBHOOK_SECRET: 'customzohowebhooksecret',
    BRAINTREE_MERCHANT_ID: 'custom_merchant',
    BRAINTREE_PUBLIC_KEY: 'custom_public_key',
    BRAINTREE_PRIVATE_KEY: 'custom_private_key',
    BRAINTREE_MERCHANT_ACCOUNTS: 'USD:custom_usd',
  };
  let api: Awaited<ReturnType<typeof receiver>>;
  let sandbox: RunningSandbox;
  let dataDir: string;
  let ports: { attio: number; zoho: number; braintree: number };

  const start = () => {
    const resolved = resolveSandboxConfig({
      ...env,
      PUBLIC_API_URL: api.url,
      DATA_DIR: dataDir,
      ATTIO_API_URL: `http://127.0.0.1:${ports.attio}/v2`,
      ZOHO_API_URL: `http://127.0.0.1:${ports.zoho}/billing/v1`,
      ZOHO_ACCOUNTS_URL: `http://127.0.0.1:${ports.zoho}`,
      BRAINTREE_GATEWAY_URL: `http://127.0.0.1:${ports.braintree}`,
    });
    return startSandbox(resolved.options);
  };

  beforeAll(async () => {
    api = await receiver();
    dataDir = mkdtempSync(join(tmpdir(), 'sandbox-host-'));
    ports = { attio: await freePort(), zoho: await freePort(), braintree: await freePort() };
    sandbox = await start();
  });

  afterAll(async () => {
    await sandbox.close();
    await new Promise((r) => api.server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on the ports of the configured URLs', () => {
    expect(sandbox.urls).toEqual({
      attio: `http://127.0.0.1:${ports.attio}/v2`,
      zoho: `http://127.0.0.1:${ports.zoho}`,
      braintree: `http://127.0.0.1:${ports.braintree}`,
    });
  });

  it('accepts the configured Attio token (only) and signs Attio deliveries with ATTIO_WEBHOOK_SECRET', async () => {
    const create = (token: string) =>
      fetch(`${sandbox.urls.attio}/objects/companies/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { values: { name: 'Custom Ltd' } } }),
      });
    expect((await create(SANDBOX_DEFAULTS.ATTIO_API_TOKEN)).status).toBe(401);
    expect((await create(env.ATTIO_API_TOKEN)).status).toBe(200);
    const delivery = await waitFor(api.received, '/webhooks/attio');
    // Attio-Signature: hex HMAC-SHA256 of the raw body with the webhook secret (libs/attio's guard).
    const sign = (secret: string) => createHmac('sha256', secret).update(delivery.body).digest('hex');
    expect(delivery.headers['attio-signature']).toBe(sign('custom-attio-webhook-secret'));
    expect(delivery.headers['attio-signature']).not.toBe(sign(SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET));
  });

  it('accepts the configured Zoho credentials and signs Zoho deliveries with ZOHO_WEBHOOK_SECRET', async () => {
    const tokenFor = (id: string, secret: string, refresh: string) =>
      fetch(
        `${sandbox.urls.zoho}/oauth/v2/token?grant_type=refresh_token&client_id=${id}&client_secret=${secret}&refresh_token=${refresh}`,
        { method: 'POST' },
      ).then((r) => r.json() as Promise<{ access_token?: string; error?: string }>);
    expect(
      (
        await tokenFor(
          SANDBOX_DEFAULTS.ZOHO_CLIENT_ID,
          SANDBOX_DEFAULTS.ZOHO_CLIENT_SECRET,
          SANDBOX_DEFAULTS.ZOHO_REFRESH_TOKEN,
        )
      ).error,
    ).toBe('invalid_client');
    const { access_token } = await tokenFor(
      env.ZOHO_CLIENT_ID,
      env.ZOHO_CLIENT_SECRET,
      env.ZOHO_REFRESH_TOKEN,
    );
    expect(access_token).toBeDefined();
    const zoho = (path: string, body: unknown) =>
      fetch(`${sandbox.urls.zoho}/billing/v1${path}`, {
        method: 'POST',
        headers: {
          authorization: `Zoho-oauthtoken ${access_token}`,
          'X-com-zoho-subscriptions-organizationid': env.ZOHO_ORG_ID,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, { customer_id?: string } | number>>);
    const customer = await zoho('/customers', {
      display_name: 'Custom Ltd',
      email: 'billing@custom.test',
      custom_fields: [{ label: 'attio_record_id', value: 'rec_custom' }],
    });
    const customerId = (customer['customer'] as { customer_id: string }).customer_id;
    const sub = await zoho('/subscriptions', {
      customer_id: customerId,
      plan: { plan_code: 'basic-monthly' },
      auto_collect: false,
    });
    expect(sub['code']).toBe(0);
    const delivery = await waitFor(api.received, '/webhooks/zoho');
    expect(delivery.headers['x-zoho-webhook-signature']).toBe(
      zohoSignature(env.ZOHO_WEBHOOK_SECRET, delivery.url, delivery.body),
    );
    expect(delivery.headers['x-zoho-webhook-signature']).not.toBe(
      zohoSignature(SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET, delivery.url, delivery.body),
    );
  });

  it('serves the configured merchant and signs Braintree deliveries with the configured key pair (verified by the SDK)', async () => {
    const auth = Buffer.from(`${env.BRAINTREE_PUBLIC_KEY}:${env.BRAINTREE_PRIVATE_KEY}`).toString('base64');
    const res = await fetch(
      `${sandbox.urls.braintree}/merchants/${env.BRAINTREE_MERCHANT_ID}/customers/nobody`,
      {
        headers: { authorization: `Basic ${auth}`, accept: 'application/xml', 'x-apiversion': '6' },
      },
    );
    expect(res.status).toBe(404);
    await fetch(`${sandbox.urls.braintree}/__sandbox/webhooks/check`, { method: 'POST' });
    const delivery = await waitFor(api.received, '/webhooks/braintree');
    const form = new URLSearchParams(delivery.body);
    const gateway = (publicKey: string, privateKey: string) =>
      new braintree.BraintreeGateway({
        environment: braintree.Environment.Sandbox,
        merchantId: env.BRAINTREE_MERCHANT_ID,
        publicKey,
        privateKey,
      });
    // What libs/braintree's webhook guard does: the official SDK's parse with the configured keys.
    const notification = await gateway(
      env.BRAINTREE_PUBLIC_KEY,
      env.BRAINTREE_PRIVATE_KEY,
    ).webhookNotification.parse(form.get('bt_signature') ?? '', form.get('bt_payload') ?? '');
    expect(notification.kind).toBe('check');
    await expect(
      gateway(
        SANDBOX_DEFAULTS.BRAINTREE_PUBLIC_KEY,
        SANDBOX_DEFAULTS.BRAINTREE_PRIVATE_KEY,
      ).webhookNotification.parse(form.get('bt_signature') ?? '', form.get('bt_payload') ?? ''),
    ).rejects.toThrow();
  });

  it('re-keys the saved Attio webhook when ATTIO_WEBHOOK_SECRET changes between starts', async () => {
    await sandbox.close();
    env.ATTIO_WEBHOOK_SECRET = 'rotated-attio-secret';
    sandbox = await start(); // same DATA_DIR: the webhook made at the first start is loaded
    api.received.length = 0;
    // A fresh connection (fetch's pool may still hold one the closed emulator ended).
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        `${sandbox.urls.attio}/objects/companies/records`,
        {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${env.ATTIO_API_TOKEN}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ data: { values: { name: 'Rotated Ltd' } } }));
    });
    expect(status).toBe(200);
    const delivery = await waitFor(api.received, '/webhooks/attio');
    expect(delivery.headers['attio-signature']).toBe(
      createHmac('sha256', 'rotated-attio-secret').update(delivery.body).digest('hex'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(api.received.filter((r) => r.url === '/webhooks/attio')).toHaveLength(1);
  });
});
