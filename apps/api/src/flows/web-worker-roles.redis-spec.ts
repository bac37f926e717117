// One web and two worker processes (APP_ROLE) on one Redis, the emulators in-process: a checkout through the
// web's checkout API and a renewal (Zoho invoice webhook → one charge → Zoho payment → Attio). The web stores
// and queues, the workers process; the workers serve no webhook and no admin route.
// Needs redis-server on REDIS_URL (default redis://127.0.0.1:6379); fails, never skips, without it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpsPlatformsReport } from '@aia/contracts';
import { loadAppConfig } from '@aia/platform';
import Redis from 'ioredis';
import type { AppModuleOverrides } from '../app/app.module';
import { ADMIN_TOKEN, eventually, freePort, startEmulators } from '../testing/api-stack';
import type { Emulators, FlowTarget } from '../testing/api-stack';
import { startApiProcess } from '../testing/api-processes';
import type { ApiProcess } from '../testing/api-processes';
import {
  advanceZohoClock,
  api,
  BILLING,
  complete,
  createCompany,
  invoicesOf,
  paidInvoices,
  pipelineDump,
  recordValues,
  requestCheckout,
  successfulSalesFor,
  tokenizeCard,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(90_000);

/** Its own key prefix: nothing shared with another suite on the same Redis. */
const PREFIX = `aia-roles-${process.pid}-${Date.now()}`;

/** Short backoffs and timeouts (as the other flow suites); JSON, so no Registry here. */
const OVERRIDES: AppModuleOverrides = {
  events: {
    queue: {
      concurrency: 4,
      maxAttempts: 6,
      backoff: { baseMs: 100, maxMs: 500 },
      leaseMs: 5_000,
      pollIntervalMs: 25,
      retentionMs: 3_600_000,
      keyRecheckMs: 25,
    },
    shutdownGraceMs: 1_000,
    redisPrefix: PREFIX,
  },
  braintree: { chargeSearch: { searchLagMs: 300, searchRetryMs: 100 } },
  policies: {
    attio: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
    zoho: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
    braintree: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
  },
};

/** `events_jobs_total` samples of one process's /metrics: `name/outcome` → count. */
async function jobsOf(p: ApiProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^events_jobs_total\{([^}]*)\} (\d+(?:\.\d+)?)$/gm)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out[`${labels['name']}/${labels['outcome']}`] = Number(m[2]);
  }
  return out;
}

const total = (jobs: Record<string, number>, key: string) => jobs[key] ?? 0;

describe('APP_ROLE: one web and two workers on Redis', () => {
  let emulators: Emulators;
  let target: FlowTarget;
  let dataDir: string;
  let web: ApiProcess;
  const workers: ApiProcess[] = [];

  beforeAll(async () => {
    const [webPort, ...workerPorts] = await Promise.all([freePort(), freePort(), freePort()]);
    const apiUrl = `http://127.0.0.1:${webPort}`;
    // The platforms' webhooks go to the web process only, as behind a load balancer in front of web.
    emulators = await startEmulators(apiUrl);
    dataDir = mkdtempSync(join(tmpdir(), 'aia-roles-'));
    const env = {
      ...emulators.env,
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      PUBLIC_API_URL: apiUrl,
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      // info: the start-up lines say the role and whether workers run.
      LOG_LEVEL: 'info',
      AIA_TEST_OVERRIDES: JSON.stringify(OVERRIDES),
    };
    target = {
      apiUrl,
      attio: emulators.attio,
      zoho: emulators.zoho,
      braintree: emulators.braintree,
      config: loadAppConfig({ ...env, PORT: String(webPort) }),
    };
    // Sandbox provisioning of Attio is left to its role default: web provisions, workers do not.
    const started = await Promise.all([
      startApiProcess({ ...env, APP_ROLE: 'web', PORT: String(webPort) }),
      ...workerPorts.map((port) => startApiProcess({ ...env, APP_ROLE: 'worker', PORT: String(port) })),
    ]);
    web = started[0];
    workers.push(...started.slice(1));
    await eventually('Attio provisioned by the web process', () =>
      emulators.attio.state
        .attributesOf(emulators.attio.state.object('companies'), false)
        .some((a) => a.api_slug === 'checkout_link'),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([web, ...workers].map((p) => p?.stop()));
    await emulators?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    // This run's keys only (its own prefix).
    const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    for await (const keys of redis.scanStream({ match: `${PREFIX}:*`, count: 500 }))
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    await redis.quit();
  });

  it('each process says its role in readiness and in its start-up line', async () => {
    for (const [p, role] of [
      [web, 'web'],
      [workers[0], 'worker'],
      [workers[1], 'worker'],
    ] as const) {
      const res = await fetch(`${p.url}/health/ready`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { info: Record<string, { status: string; role?: string }> };
      expect(body.info['process']).toEqual({ status: 'up', role });
      expect(p.output()).toContain(
        `event pipeline started (bullmq, workers ${role === 'web' ? 'off' : 'on'})`,
      );
    }
    // The line comes at the end of provisioning, after the attribute the set-up waited for.
    await eventually('the web process to finish provisioning Attio', () =>
      web.output().includes('Attio emulator ready for the workflows'),
    );
    for (const w of workers) expect(w.output()).not.toContain('Attio emulator ready for the workflows');
  });

  it('the workers serve health and metrics only: webhooks and the admin API are 404 there', async () => {
    for (const w of workers) {
      const zoho = await fetch(`${w.url}/webhooks/zoho`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(zoho.status).toBe(404);
      const stats = await fetch(`${w.url}/admin/stats`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(stats.status).toBe(404);
      expect((await fetch(`${w.url}/checkout/sessions/x`)).status).toBe(404);
      expect((await fetch(`${w.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${w.url}/metrics`)).status).toBe(200);
    }
    const stats = await fetch(`${web.url}/admin/stats`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(stats.status).toBe(200);
  });

  it("the web's /admin/platforms lists every live instance: itself and both workers (published to Redis)", async () => {
    const res = await fetch(`${web.url}/admin/platforms`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as OpsPlatformsReport;
    const seen = body.instances.map((i) => `${i.role}:${i.pid}`).sort();
    expect(seen).toEqual([`web:${web.child.pid}`, ...workers.map((w) => `worker:${w.child.pid}`)].sort());
    for (const i of body.instances)
      expect(i.platforms.map((p) => p.platform)).toEqual(['attio', 'braintree', 'zoho']);
  });

  it('a checkout through the web and a renewal: each invoice charged once, recorded in Zoho, shown in Attio; only the workers ran jobs', async () => {
    // Checkout: the Attio trigger reaches the web, a worker writes the link, the browser talks to the web.
    const recordId = await createCompany(target);
    const token = await requestCheckout(target, recordId, 'basic-monthly');
    const session = await api(target, 'GET', `/checkout/sessions/${token}`);
    expect(session.status).toBe(200);
    const done = await complete(target, token, await tokenizeCard(target), BILLING);
    expect({ status: done.status, body: done.body }).toMatchObject({ status: 200 });
    const values = recordValues(target, recordId);
    const zohoCustomerId = values['zoho_customer_id'] as string;
    expect(values['subscription_status']).toBe('active');
    await paidInvoices(target, zohoCustomerId, 1);

    // Renewal: Zoho raises the next invoice and sends invoice_created to the web; a worker charges it.
    await advanceZohoClock(target, 32);
    const renewal = await eventually('the renewal invoice', () =>
      invoicesOf(target, zohoCustomerId).find((i) => i.transaction_type === 'renewal'),
    );
    try {
      await eventually(
        'the renewal paid',
        () => emulators.zoho.state.invoices.get(renewal.invoice_id)?.status === 'paid',
        20_000,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await pipelineDump(target)}`);
    }
    const attio = await eventually('Attio shows the renewal paid', () => {
      const v = recordValues(target, recordId);
      return v['last_invoice_number'] === renewal.number && v['last_payment_status'] === 'paid' && v;
    });
    expect(attio['last_payment_at']).toBeDefined();
    // Anything still in flight (a retried job, a late delivery) lands before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const invoice of invoicesOf(target, zohoCustomerId)) {
      const sales = successfulSalesFor(target, invoice.invoice_id);
      expect(sales).toHaveLength(1);
      const payments = zohoPaymentsFor(target, invoice.invoice_id);
      expect(payments).toHaveLength(1);
      expect(payments[0].reference_number).toBe(sales[0].id);
    }

    // Who ran the jobs: the web none at all (its counter has no sample), the workers every one.
    expect(await jobsOf(web)).toEqual({});
    const perWorker = await Promise.all(workers.map(jobsOf));
    const completed = perWorker.reduce((n, jobs) => n + total(jobs, 'event.process/completed'), 0);
    // At least: the Attio trigger, the checkout's own record updates, two Zoho invoice_created.
    expect(completed).toBeGreaterThanOrEqual(3);
    const dead = perWorker.reduce((n, jobs) => n + total(jobs, 'event.process/dead'), 0);
    expect(dead).toBe(0);
  });
});
