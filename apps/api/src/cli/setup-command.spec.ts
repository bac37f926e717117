import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AttioClient } from '@aia/attio';
import type { BraintreeClientTokenService } from '@aia/braintree';
import { loadAppConfig, UpstreamError } from '@aia/platform';
import { FAST_OVERRIDES, startEmulators } from '../testing/api-stack';
import type { Emulators } from '../testing/api-stack';
import { runSetup } from './setup-command';
import type { SetupReport } from './setup-command';
import { checkAttio, checkBraintree, missingAttioScopes } from './setup-checks';

jest.setTimeout(60_000);

const PUBLIC = 'https://billing.example.test';

describe('npm run setup (against the in-process emulators)', () => {
  let emulators: Emulators;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'aia-setup-'));
    // The emulators' own webhooks point at another URL: this workspace has no webhook to PUBLIC yet.
    emulators = await startEmulators('http://127.0.0.1:9');
  });
  afterEach(async () => {
    await emulators.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    INTEGRATION_MODE: 'sandbox',
    DATA_DIR: dataDir,
    PUBLIC_API_URL: PUBLIC,
    ...emulators.env,
    ...extra,
  });
  const run = async (argv: string[], extra: Record<string, string> = {}, timeoutMs?: number) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSetup(
      argv,
      env(extra),
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      { overrides: { policies: FAST_OVERRIDES.policies }, timeoutMs },
    );
    return { code, out: out.join(''), err: err.join('') };
  };
  const attioState = () => JSON.stringify(emulators.attio.state.snapshot());
  const ourWebhooks = () =>
    emulators.attio.state.webhooks.filter((w) => w.target_url === `${PUBLIC}/webhooks/attio`);

  it('--dry-run shows the checks, the plan and the console settings, and changes nothing', async () => {
    const before = attioState();
    const { code, out } = await run(['--dry-run']);
    expect(code).toBe(0);
    expect(attioState()).toBe(before);
    expect(out).toContain('dry run (nothing is changed)');
    expect(out).toMatch(/✓ Attio\s+OK: token active for workspace "Sandbox workspace"/);
    expect(out).toMatch(/✓ Zoho\s+OK: OAuth refresh OK; organization 10000001 answers \(3 plans, 3 active\)/);
    expect(out).toMatch(/✓ Braintree\s+OK: API keys OK .*USD:sandbox_usd, EUR:sandbox_eur, GBP:sandbox_gbp/);
    expect(out).toContain('+ attribute zoho_customer_id (text, unique)');
    expect(out).toContain('+ option subscription_plan=pro-yearly');
    expect(out).toContain(`+ webhook → ${PUBLIC}/webhooks/attio (record.created, record.updated)`);
    // Derived from the @OnEvent handlers the API registers.
    expect(out).toContain(`URL              ${PUBLIC}/webhooks/zoho`);
    expect(out).toContain(
      'Events to tick   invoice_created, payment_refunded, payment_thankyou, ' +
        'subscription_cancellation_scheduled, subscription_cancelled, subscription_expired, subscription_reactivated',
    );
    expect(out).toContain(`Destination URL  ${PUBLIC}/webhooks/braintree`);
    expect(out).toContain('Notifications    dispute_lost, dispute_opened, dispute_won');
    expect(out).toMatch(/Nothing blocks: run `npm run setup` to make the \d+ Attio changes above/);
    expect(out).not.toContain('ATTIO_WEBHOOK_SECRET=');
  });

  it('applies the plan and prints the webhook secret once; a second run has nothing to change', async () => {
    const first = await run([]);
    expect(first.code).toBe(0);
    const [webhook] = ourWebhooks();
    expect(webhook).toBeDefined();
    expect(first.out).toContain(`ATTIO_WEBHOOK_SECRET=${webhook.secret}`);
    expect(first.out).toContain('store it as ATTIO_WEBHOOK_SECRET');
    expect(first.out).toMatch(/✓ applied (\d+)\/\1\n/);
    expect(first.out).toContain(
      'every subscription_plan option is a Zoho plan code (basic-monthly, pro-monthly, pro-yearly)',
    );
    expect(first.out).toContain('Setup complete.');

    const second = await run([]);
    expect(second.code).toBe(0);
    expect(second.out).toContain('✓ nothing to change');
    expect(second.out).toContain(
      `webhook ${webhook.id.webhook_id} → ${PUBLIC}/webhooks/attio exists (active)`,
    );
    expect(second.out).toContain('--recreate-webhook');
    expect(second.out).not.toContain('ATTIO_WEBHOOK_SECRET=');
    expect(ourWebhooks()).toHaveLength(1);

    const json = await run(['--json']);
    const report = JSON.parse(json.out) as SetupReport;
    expect(report).toMatchObject({
      ok: true,
      dryRun: false,
      attio: { changes: [], applied: false },
      planCodes: { missingInZoho: [], attioOptions: ['basic-monthly', 'pro-monthly', 'pro-yearly'] },
      webhooks: { braintree: { kinds: ['dispute_lost', 'dispute_opened', 'dispute_won'] } },
    });
    expect(json.err).toContain('[1/4] Credentials');
  });

  it('--recreate-webhook replaces the webhook and prints the new secret', async () => {
    await run([]);
    const [old] = ourWebhooks();
    const { code, out } = await run(['--recreate-webhook']);
    expect(code).toBe(0);
    const [fresh] = ourWebhooks();
    expect(ourWebhooks()).toHaveLength(1);
    expect(fresh.secret).not.toBe(old.secret);
    expect(out).toContain(`replacing ${old.id.webhook_id}`);
    expect(out).toContain(`ATTIO_WEBHOOK_SECRET=${fresh.secret}`);
  });

  it('--recreate-webhook: the new secret is printed even when deleting the old webhook fails', async () => {
    await run([]);
    const [old] = ourWebhooks();
    // Every DELETE /v2/webhooks/{old} answers 500.
    emulators.attio.server.faults.configure({
      errorRate: 1,
      errorStatus: 500,
      pathIncludes: `/webhooks/${old.id.webhook_id}`,
    });
    const { code, out } = await run(['--recreate-webhook']);
    emulators.attio.server.faults.clear();
    const fresh = ourWebhooks().find((w) => w.id.webhook_id !== old.id.webhook_id);
    expect(fresh).toBeDefined();
    expect(out).toContain(`ATTIO_WEBHOOK_SECRET=${fresh?.secret}`);
    expect(out).toContain(`! the replaced webhook ${old.id.webhook_id} could not be deleted (HTTP 500`);
    expect(out).toContain(`delete it by hand`);
    expect(code).toBe(0);
  });

  it('adds missing event types to the existing webhook (PATCH): same webhook, secret not printed', async () => {
    const existing = emulators.attio.state.createWebhook({
      data: {
        target_url: `${PUBLIC}/webhooks/attio`,
        subscriptions: [{ event_type: 'record.created', filter: null }],
      },
    });
    const dry = await run(['--dry-run']);
    expect(dry.out).toContain(
      `+ webhook ${existing.id.webhook_id} → ${PUBLIC}/webhooks/attio: also subscribe to record.updated`,
    );
    const { code, out } = await run([]);
    expect(code).toBe(0);
    expect(out).not.toContain('ATTIO_WEBHOOK_SECRET=');
    expect(ourWebhooks()).toEqual([
      expect.objectContaining({
        id: existing.id,
        secret: existing.secret,
        subscriptions: [
          { event_type: 'record.created', filter: null },
          { event_type: 'record.updated', filter: null },
        ],
      }),
    ]);
  });

  it('a closed port: a quick verdict naming the URL variable', async () => {
    const port = await closedPort();
    const started = Date.now();
    const { code, out } = await run(['--dry-run'], { ATTIO_API_URL: `http://127.0.0.1:${port}/v2` });
    expect(code).toBe(1);
    expect(out).toContain(`… checking Attio at http://127.0.0.1:${port}/v2`);
    expect(out).toContain(
      `✗ Attio     FAILED: cannot reach Attio at http://127.0.0.1:${port}/v2 (ATTIO_API_URL)`,
    );
    expect(out).toContain('fix: ATTIO_API_URL');
    expect(out).toMatch(/Attio answered: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('platforms that accept the connection and never answer: "did not answer within" per platform, in seconds', async () => {
    const silent = await silentServer();
    try {
      const url = `http://127.0.0.1:${silent.port}`;
      const started = Date.now();
      const { code, out } = await run(
        ['--dry-run'],
        {
          ATTIO_API_URL: `${url}/v2`,
          ZOHO_ACCOUNTS_URL: url,
          ZOHO_API_URL: `${url}/billing/v1`,
          BRAINTREE_GATEWAY_URL: url,
        },
        300,
      );
      const elapsed = Date.now() - started;
      expect(code).toBe(1);
      expect(out).toContain(`Attio did not answer within 0.3 s at ${url}/v2 (ATTIO_API_URL)`);
      expect(out).toContain(`Zoho Accounts did not answer within 0.3 s at ${url} (ZOHO_ACCOUNTS_URL)`);
      expect(out).toContain(
        `the Braintree emulator did not answer within 0.3 s at ${url} (BRAINTREE_GATEWAY_URL)`,
      );
      expect(out).toContain('fix: ATTIO_API_URL');
      expect(out).toContain('fix: ZOHO_ACCOUNTS_URL, ZOHO_DC');
      expect(out).toContain('fix: BRAINTREE_GATEWAY_URL');
      expect(silent.connections()).toBeGreaterThan(0);
      expect(elapsed).toBeLessThan(6_000);
    } finally {
      await silent.close();
    }
  });

  it('a wrong Attio token: names ATTIO_API_TOKEN and quotes the 401, changes nothing, exit 1', async () => {
    const before = attioState();
    const { code, out } = await run([], { ATTIO_API_TOKEN: 'not-a-valid-token' });
    expect(code).toBe(1);
    expect(attioState()).toBe(before);
    expect(out).toMatch(/✗ Attio\s+FAILED: Attio refused ATTIO_API_TOKEN/);
    expect(out).toContain('fix: ATTIO_API_TOKEN');
    expect(out).toMatch(/Attio answered: HTTP 401: .*\(auth_error\/unauthorized\)/);
    expect(out).toContain('skipped: needs working Attio and Zoho credentials');
    expect(out).not.toContain('not-a-valid-token');
  });

  it('bad Zoho credentials: refresh token, client, organization are told apart', async () => {
    const refresh = await run(['--dry-run'], { ZOHO_REFRESH_TOKEN: 'stale-refresh-token' });
    expect(refresh.code).toBe(1);
    expect(refresh.out).toContain('fix: ZOHO_REFRESH_TOKEN');
    expect(refresh.out).toContain('invalid_code');
    expect(refresh.out).not.toContain('stale-refresh-token');

    const client = await run(['--dry-run'], { ZOHO_CLIENT_SECRET: 'wrong-secret' });
    expect(client.code).toBe(1);
    expect(client.out).toContain('fix: ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_DC');
    expect(client.out).toContain('invalid_client');
    expect(client.out).not.toContain('wrong-secret');

    const org = await run(['--dry-run'], { ZOHO_ORG_ID: '999' });
    expect(org.code).toBe(1);
    expect(org.out).toContain('OAuth OK, but Zoho Billing refused organization 999');
    expect(org.out).toContain('fix: ZOHO_ORG_ID');
    expect(org.out).toMatch(
      /Zoho answered: HTTP 401 \(code 6041\): This user is not associated with the organization 999/,
    );
  });

  it('bad Braintree keys and a wrong merchant account name their variables', async () => {
    const keys = await run(['--dry-run'], { BRAINTREE_PRIVATE_KEY: 'wrong-private-key' });
    expect(keys.code).toBe(1);
    expect(keys.out).toContain(
      'Braintree refused the API keys (merchant sandbox_merchant, environment emulator)',
    );
    expect(keys.out).toContain('fix: BRAINTREE_MERCHANT_ID, BRAINTREE_PUBLIC_KEY, BRAINTREE_PRIVATE_KEY');
    expect(keys.out).toMatch(/Braintree answered: HTTP 401 \(code authenticationError\)/);
    expect(keys.out).not.toContain('wrong-private-key');
    // Attio and Zoho are fine, so the Attio plan is still shown.
    expect(keys.out).toContain('+ attribute zoho_customer_id');

    const account = await run(['--dry-run'], { BRAINTREE_MERCHANT_ACCOUNTS: 'USD:sandbox_usd,CAD:acme_cad' });
    expect(account.code).toBe(1);
    expect(account.out).toContain('merchant account CAD:acme_cad was refused');
    expect(account.out).toContain('fix: BRAINTREE_MERCHANT_ACCOUNTS');
    expect(account.out).toContain('92807 merchant_account_id: Merchant account does not exist');
  });

  it('a subscription_plan option with no Zoho plan is reported, exit 1', async () => {
    await run([]);
    const plan = emulators.attio.state.attributes.find((a) => a.api_slug === 'subscription_plan');
    emulators.attio.state.addOption(plan as NonNullable<typeof plan>, 'gold-legacy');
    const { code, out } = await run([]);
    expect(code).toBe(1);
    expect(out).toContain('✗ option "gold-legacy" has no Zoho plan with that plan code');
    expect(out).toContain('create the plan in Zoho Billing (Products > Plans, plan code "gold-legacy")');
  });

  it('bad arguments and configuration exit 2', async () => {
    expect((await run(['--bogus'])).code).toBe(2);
    const bad = await run([], { ZOHO_ORG_ID: 'abc' });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('ZOHO_ORG_ID');
  });

  it('runs bundled through tools/run-cli.mjs (npm run setup -- --dry-run)', async () => {
    const root = resolve(__dirname, '../../../..');
    const child = spawn(process.execPath, ['tools/run-cli.mjs', 'setup', '--dry-run'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env() },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(out).toContain(`+ webhook → ${PUBLIC}/webhooks/attio`);
    expect(code).toBe(0);
  });
});

/** A port nothing listens on (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** A TCP server that accepts connections and never answers (a silent host). */
async function silentServer(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

describe('setup checks (verdicts for answers the emulators do not give)', () => {
  const config = loadAppConfig({ LOG_LEVEL: 'silent' });

  it('missingAttioScopes: read-write covers read; names what each missing scope is for', () => {
    expect(
      missingAttioScopes(
        'record_permission:read-write object_configuration:read-write note:read-write webhook:read-write',
      ),
    ).toEqual([]);
    expect(
      missingAttioScopes('record_permission:read object_configuration:read').map((m) => m.scope),
    ).toEqual([
      'object_configuration:read-write',
      'webhook:read-write',
      'record_permission:read-write',
      'note:read-write',
    ]);
  });

  it('Attio: an inactive token and a token without the write scopes fail on ATTIO_API_TOKEN', async () => {
    const client = (self: unknown) => ({ identify: async () => self }) as unknown as AttioClient;
    expect(await checkAttio(client({ active: false }), config)).toMatchObject({
      ok: false,
      variables: ['ATTIO_API_TOKEN'],
    });
    const narrow = await checkAttio(
      client({
        active: true,
        scope: 'record_permission:read-write note:read-write object_configuration:read',
        workspace_name: 'Acme',
        workspace_slug: 'acme',
      }),
      config,
    );
    expect(narrow.ok).toBe(false);
    expect(narrow.summary).toContain(
      'lacks object_configuration:read-write (setup creates attributes and select options)',
    );
  });

  it('Braintree: a 403 is an authorization problem of the keys, not bad keys', async () => {
    const tokens = {
      generate: async () => {
        throw new UpstreamError('braintree', 'auth', 'clientToken.generate: Authorization Error', {
          status: 403,
          code: 'authorizationError',
        });
      },
    } as unknown as BraintreeClientTokenService;
    expect(await checkBraintree(tokens, config)).toMatchObject({
      ok: false,
      variables: ['BRAINTREE_PUBLIC_KEY', 'BRAINTREE_PRIVATE_KEY'],
      answer: 'HTTP 403 (code authorizationError): clientToken.generate: Authorization Error',
    });
  });
});
