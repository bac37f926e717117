/*
 * The chaos suite (test-only; issue 12): the money path end to end under everything at once. The emulators
 * run in this process with ~30 % of their requests faulted (5xx, 429 with Retry-After, hangs past the API's
 * timeout, slow answers) plus Braintree's late answers, late processing and search lag on a share of sales;
 * every webhook is delivered three times; each API process is SIGKILLed once mid-run and restarted. 20
 * customers go through the real checkout and 200 invoices get paid. Then the faults stop, the queue drains
 * and every invariant of docs/reliability.md is checked, with the reconciliation report. See the "Chaos
 * suite" section there for the figures and the reasons behind each setting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadAppConfig } from '@aia/platform';
import type { WebhookDispatcher } from '@aia/sandbox-kit';
import type { AppModuleOverrides } from '../../app/app.module';
import { ADMIN_TOKEN, freePort, startEmulators } from '../../testing/api-stack';
import type { Emulators, FlowTarget } from '../../testing/api-stack';
import { startApiProcess } from '../../testing/api-processes';
import type { ApiProcess } from '../../testing/api-processes';
import {
  invoicesOf,
  recordValues,
  salesFor,
  successfulSalesFor,
  tokenizeCard,
  tokenOf,
  userEdit,
  zohoPaymentsFor,
} from '../../testing/flow.fixtures';
import { installChaosFaults } from './chaos-faults';
import type { ChaosFaults, FaultCounts, FaultMix } from './chaos-faults';

export const CUSTOMERS = 20;
/** The subscription's first invoice, then one-off invoices, one after the other per customer. */
export const INVOICES_PER_CUSTOMER = 10;

/** Per-attempt timeouts of the API's upstream calls; every injected hang lasts longer. */
const TIMEOUT_MS = { attio: 800, zoho: 800, braintree: 1_000 };
const HANG_MS = 1_500;

/** 30 % of each emulator's requests: 12 % 5xx, 8 % 429, 4 % hangs, 6 % slow answers. */
export const FAULT_SHARES = {
  errorRate: 0.12,
  rateLimitRate: 0.08,
  hangRate: 0.04,
  latencyRate: 0.06,
  hangMs: HANG_MS,
  latencyMs: 250,
};
const FAULTS: Record<'attio' | 'zoho' | 'braintree', FaultMix> = {
  attio: { ...FAULT_SHARES, errorStatus: 503, seed: 11 },
  zoho: { ...FAULT_SHARES, errorStatus: 500, seed: 23 },
  braintree: { ...FAULT_SHARES, errorStatus: 503, seed: 37 },
};

/**
 * Money-path faults on a share of sales. The exactly-once condition (docs/architecture.md) is that a sale
 * becomes searchable within the look-up window: late processing + slow answer + search lag
 * (1 200 + 250 + 800 ms) stays well inside SEARCH_WINDOW_MS after the 1 s timeout.
 */
const SALE_FAULTS = {
  lateAnswer: { delayMs: 1_500, rate: 0.08 },
  lateProcessing: { delayMs: 1_200, rate: 0.08 },
  searchLag: { delayMs: 800, rate: 0.15 },
  seed: 5,
};
const SEARCH_WINDOW_MS = 2_500;

/**
 * The API's budget. Upstream policies keep their production attempts (Attio 4, Zoho 3, Braintree 3) with
 * short backoffs; breakers open after 5 straight failures as in production but half-open after 1 s instead
 * of 30 s (at 16 % "unavailable" answers a run of 5 happens by chance now and then; 30 s of fast failures
 * would be a test of patience, not of correctness). The queue gives every job 12 attempts over ~20 s of
 * backoff: with an attempt failing ~25 % of the time here, 12 failures in a row are a 1-in-16-million event.
 */
function overrides(prefix: string, provision: boolean): AppModuleOverrides {
  const policy = (timeoutMs: number) => ({
    timeoutMs,
    baseDelayMs: 20,
    maxDelayMs: 200,
    breaker: { consecutiveFailures: 5, halfOpenAfterMs: 1_000 },
  });
  return {
    events: {
      queue: {
        concurrency: 8,
        maxAttempts: 12,
        backoff: { baseMs: 250, maxMs: 2_000 },
        leaseMs: 4_000,
        pollIntervalMs: 25,
        retentionMs: 3_600_000,
        keyRecheckMs: 25,
      },
      shutdownGraceMs: 1_000,
      sweep: { intervalMs: 5_000, minAgeMs: 5_000 },
      redisPrefix: prefix,
    },
    braintree: { chargeSearch: { searchLagMs: SEARCH_WINDOW_MS, searchRetryMs: 200 } },
    policies: {
      attio: policy(TIMEOUT_MS.attio),
      zoho: policy(TIMEOUT_MS.zoho),
      braintree: policy(TIMEOUT_MS.braintree),
    },
    workflows: { provisionOnStart: provision },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const PLANS = ['basic-monthly', 'pro-monthly'];

/** Polls `probe` every `everyMs` until it returns a value; undefined after `timeoutMs`. */
async function poll<T>(
  probe: () => T | undefined | false | null | '' | Promise<T | undefined | false | null | ''>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false && value !== null && value !== '') return value as T;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `the Redis variant of the chaos suite needs redis-server at REDIS_URL (${url}): ${String(err)}`,
    );
  } finally {
    redis.disconnect();
  }
}

async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

interface Kill {
  process: number;
  atS: number;
  paidBefore: number;
  restartMs: number;
}

interface Customer {
  index: number;
  recordId: string;
  zohoCustomerId: string;
  invoices: Array<{ id: string; number: string }>;
}

export function describeChaos(backend: 'sqlite' | 'redis'): void {
  const processes = backend === 'redis' ? 2 : 1;
  const roles =
    processes === 1
      ? 'one API process, which is also the worker (kill it once)'
      : 'two API processes, each also a worker (kill each once)';

  describe(`chaos on ${backend}: ${roles}`, () => {
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    const prefix = `aia-chaos-${process.pid}-${Date.now()}`;
    let emulators: Emulators;
    let target: FlowTarget;
    let env: Record<string, string>;
    let ports: number[] = [];
    let dataDir: string | undefined;
    let faults: ChaosFaults[] = [];
    const running: Array<ApiProcess | undefined> = [];
    /** Takes new checkout requests (false from just before a kill until the restart). */
    const routable: boolean[] = [];
    const inFlight: number[] = [];
    let redisReady = false;

    const start = async (index: number, first: boolean) => {
      running[index] = await startApiProcess(
        {
          ...env,
          PORT: String(ports[index]),
          LOG_LEVEL: 'error',
          AIA_TEST_OVERRIDES: JSON.stringify(overrides(prefix, first && index === 0)),
        },
        90_000,
      );
      routable[index] = true;
    };

    beforeAll(async () => {
      if (backend === 'redis') {
        await requireRedis(redisUrl); // fails the suite (never skips) without Redis
        redisReady = true;
      }
      ports = await Promise.all(Array.from({ length: processes }, () => freePort()));
      const apiUrl = `http://127.0.0.1:${ports[0]}`;
      emulators = await startEmulators(apiUrl);
      dataDir = mkdtempSync(join(tmpdir(), `aia-chaos-${backend}-`));
      env = {
        ...emulators.env,
        DATA_DIR: dataDir,
        ADMIN_TOKEN,
        PUBLIC_API_URL: apiUrl,
        // As behind one proxy: each customer's X-Forwarded-For is its address for the per-IP checkout limits.
        TRUST_PROXY_HOPS: '1',
        ...(backend === 'redis' ? { REDIS_URL: redisUrl } : {}),
      };
      target = {
        apiUrl,
        attio: emulators.attio,
        zoho: emulators.zoho,
        braintree: emulators.braintree,
        config: loadAppConfig({ ...env, PORT: String(ports[0]) }),
      };
      for (const d of dispatchers()) {
        // Every webhook three times: two 2xx answers are treated as lost and the delivery is sent again.
        d.setDuplicates(2);
        // A delivery outlives an API restart (20 ms doubling: ~41 s of retries before the 12th attempt).
        d.options.maxAttempts = 12;
        d.options.historyLimit = 1_000_000;
      }
      for (let i = 0; i < processes; i++) await start(i, true);
      // Provisioning creates the billing e-mail attribute last: once it exists, the workspace is ready (a
      // restarted process does not provision again, so it must be done before the faults and the kills).
      const provisioned = await poll(
        () =>
          emulators.attio.state
            .attributesOf(emulators.attio.state.object('companies'), false)
            .some((a) => a.api_slug === target.config.subscriptions.billingEmailAttribute),
        30_000,
      );
      if (!provisioned) throw new Error('Attio was not provisioned by the first API process');
      // Braintree's own duplicate check is off, as a merchant may have it: only our look-ups prevent a second sale.
      const res = await fetch(`${target.config.braintree.gatewayUrl}/__sandbox/duplicate-checking`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
      if (!res.ok) throw new Error(`duplicate-checking: ${res.status}`);
      faults = [
        installChaosFaults('attio', emulators.attio.server),
        installChaosFaults('zoho', emulators.zoho.server),
        installChaosFaults('braintree', emulators.braintree.server),
      ];
    }, 180_000);

    afterAll(async () => {
      for (const p of running) await p?.kill();
      await emulators?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (redisReady) await dropRedisPrefix(redisUrl, prefix).catch(() => undefined);
    }, 60_000);

    function dispatchers(): WebhookDispatcher[] {
      return [
        emulators.attio.server.webhooks,
        emulators.zoho.server.webhooks,
        emulators.braintree.server.webhooks,
      ];
    }

    it(`${CUSTOMERS} checkouts and ${CUSTOMERS * INVOICES_PER_CUSTOMER} invoices through 30 % faults, triple webhooks and SIGKILLs: each invoice charged and recorded once`, async () => {
      const startedAt = Date.now();
      const elapsedS = () => Math.round((Date.now() - startedAt) / 100) / 10;
      const problems: string[] = [];
      /** Invoices something went wrong with: explained from the inbox and the emulators at the end. */
      const suspects = new Set<string>();
      const kills: Kill[] = [];
      const completion = { attempts: 0, answers: {} as Record<string, number> };
      let upstreamRetries = 0;
      let breakerOpenings = 0;
      let checkoutsDone = 0;
      const customers: Customer[] = [];

      const paidCount = () =>
        [...emulators.zoho.state.invoices.values()].filter((i) => i.status === 'paid').length;

      /** Upstream retries and breaker openings a process counted since it started (read before a kill). */
      async function scrapeMetrics(index: number): Promise<void> {
        const p = running[index];
        if (!p) return;
        try {
          const text = await (await fetch(`${p.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
          for (const line of text.split('\n')) {
            const value = Number(line.slice(line.lastIndexOf(' ') + 1));
            if (line.startsWith('upstream_retries_total{')) upstreamRetries += value;
            if (line.startsWith('upstream_breaker_opened_total{')) breakerOpenings += value;
          }
        } catch (err) {
          problems.push(`metrics of process ${index} unreadable: ${String(err)}`);
        }
      }

      async function killAndRestart(index: number): Promise<void> {
        routable[index] = false;
        // On Redis a completion's lock outlives a killed holder for COMPLETION_LOCK_TTL_MS (120 s, by
        // design): kill when no checkout completion is running there (jobs of every kind still are).
        if (processes > 1) await poll(() => (inFlight[index] ?? 0) === 0, 30_000, 20);
        await scrapeMetrics(index);
        const paidBefore = paidCount();
        const atS = elapsedS();
        await running[index]?.kill();
        const t0 = Date.now();
        await start(index, false);
        kills.push({ process: index, atS, paidBefore, restartMs: Date.now() - t0 });
      }

      /** The kills, at fixed points of progress: mid checkout wave and mid invoices. */
      async function killer(): Promise<void> {
        const total = CUSTOMERS * INVOICES_PER_CUSTOMER;
        const plan =
          processes === 1
            ? // Late in the checkout wave: completions and first invoices in flight.
              [{ index: 0, when: () => checkoutsDone >= CUSTOMERS * 0.75 }]
            : [
                { index: 0, when: () => checkoutsDone >= CUSTOMERS / 2 },
                { index: 1, when: () => paidCount() >= total * 0.5 },
              ];
        for (const step of plan) {
          const due = await poll(step.when, 240_000, 50);
          if (!due) {
            problems.push(`kill of process ${step.index} never became due`);
            return;
          }
          await killAndRestart(step.index);
        }
      }

      async function createCompany(name: string): Promise<string> {
        for (let attempt = 1; attempt <= 40; attempt++) {
          try {
            const res = await fetch(`${target.config.attio.apiUrl}/objects/companies/records`, {
              method: 'POST',
              headers: { authorization: 'Bearer sandbox-attio-token', 'content-type': 'application/json' },
              body: JSON.stringify({ data: { values: { name } } }),
              // Longer than any injected hang, so a request is never abandoned while it may be processed.
              signal: AbortSignal.timeout(15_000),
            });
            const body = (await res.json()) as { data?: { id: { record_id: string } } };
            if (res.ok && body.data) return body.data.id.record_id;
            if (res.status !== 429 && res.status < 500)
              throw new Error(`${res.status} ${JSON.stringify(body)}`);
          } catch (err) {
            if (!(err instanceof Error) || !/fetch failed|aborted|timeout/i.test(err.message)) throw err;
          }
          await sleep(300);
        }
        throw new Error(`company ${name} could not be created`);
      }

      /** The customer's browser: pays with a sandbox card, trying again with a new nonce as a person would. */
      async function completeCheckout(i: number, recordId: string, token: string): Promise<void> {
        const deadline = Date.now() + 150_000;
        for (let attempt = 1; ; attempt++) {
          if (Date.now() > deadline) throw new Error(`checkout of ${recordId} not completed in 150 s`);
          const alive = routable.map((ok, index) => (ok ? index : -1)).filter((index) => index >= 0);
          if (!alive.length) {
            await sleep(200);
            continue;
          }
          const index = alive[(i + attempt) % alive.length];
          inFlight[index] = (inFlight[index] ?? 0) + 1;
          let status = 'network';
          let retryAfterS = 0;
          try {
            const nonce = await tokenizeCard(target);
            completion.attempts += 1;
            const res = await fetch(`${running[index]?.url}/checkout/sessions/${token}/complete`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.12.0.${i + 1}` },
              body: JSON.stringify({
                nonce,
                billing: {
                  name: `Chaos Person ${i + 1}`,
                  email: `chaos-${backend}-${i + 1}@example.com`,
                  company: `Chaos ${backend} Company ${i + 1}`,
                },
              }),
              signal: AbortSignal.timeout(60_000),
            });
            const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
            status = String(res.status);
            retryAfterS = Number(res.headers.get('retry-after') ?? 0);
            if (res.status === 200) return;
            if (res.status === 409 && body.error?.code === 'checkout_session_completed') return;
            if (res.status !== 409 && res.status !== 429 && res.status < 500) {
              throw new Error(`checkout of ${recordId}: ${res.status} ${JSON.stringify(body)}`);
            }
          } catch (err) {
            if (err instanceof Error && err.message.startsWith('checkout of')) throw err;
          } finally {
            inFlight[index] -= 1;
            completion.answers[status] = (completion.answers[status] ?? 0) + 1;
          }
          await sleep(retryAfterS > 0 ? Math.min(retryAfterS, 10) * 1_000 : 400);
        }
      }

      /** Waits for the invoice to be paid in Zoho and shown in Attio; a miss is a problem, not a wait. */
      async function settle(c: Customer, invoice: { id: string; number: string }): Promise<void> {
        c.invoices.push(invoice);
        const paid = await poll(
          () => emulators.zoho.state.invoices.get(invoice.id)?.status === 'paid',
          90_000,
          150,
        );
        if (!paid) {
          suspects.add(invoice.id);
          problems.push(`invoice ${invoice.id} (${invoice.number}, record ${c.recordId}) not paid in 90 s`);
          return;
        }
        const shown = await poll(
          () => {
            const v = recordValues(target, c.recordId);
            return v['last_invoice_number'] === invoice.number && v['last_payment_status'] === 'paid';
          },
          30_000,
          150,
        );
        if (!shown) {
          suspects.add(invoice.id);
          const v = recordValues(target, c.recordId);
          problems.push(
            `invoice ${invoice.id} (${invoice.number}) paid in Zoho but Attio record ${c.recordId} still shows ` +
              `${v['last_payment_status']} / ${v['last_invoice_number']} after 30 s`,
          );
        }
      }

      async function customerRun(i: number): Promise<void> {
        await sleep(i * 150);
        const recordId = await createCompany(`Chaos ${backend} ${i + 1}`);
        userEdit(target, recordId, { subscription_plan: PLANS[i % 2], subscription_status: 'send_checkout' });
        const link = await poll(() => {
          const v = recordValues(target, recordId);
          return v['subscription_status'] === 'checkout_sent' && v['checkout_link'];
        }, 120_000);
        if (!link) throw new Error(`no checkout link on record ${recordId} after 120 s`);
        await completeCheckout(i, recordId, tokenOf(link));
        checkoutsDone += 1;
        const zohoCustomerId = recordValues(target, recordId)['zoho_customer_id'];
        if (!zohoCustomerId)
          throw new Error(`record ${recordId}: checkout completed without zoho_customer_id`);
        const c: Customer = { index: i, recordId, zohoCustomerId, invoices: [] };
        customers.push(c);
        const first = await poll(() => invoicesOf(target, zohoCustomerId)[0], 30_000);
        if (!first) throw new Error(`no first invoice for ${zohoCustomerId}`);
        await settle(c, { id: first.invoice_id, number: first.number });
        for (let k = 1; k < INVOICES_PER_CUSTOMER; k++) {
          const invoice = emulators.zoho.billing.createInvoice({
            customer_id: zohoCustomerId,
            invoice_items: [{ name: `Usage ${k}`, rate: 10 + ((i * 37 + k * 53) % 900), quantity: 1 }],
          });
          await settle(c, { id: invoice.invoice_id, number: invoice.number });
        }
      }

      // ---- load, faults on ----
      for (const f of faults) f.on(FAULTS[f.name as keyof typeof FAULTS]);
      emulators.braintree.saleFaults.configure(SALE_FAULTS);
      const killing = killer();
      const runs = await Promise.allSettled(Array.from({ length: CUSTOMERS }, (_, i) => customerRun(i)));
      for (const r of runs) if (r.status === 'rejected') problems.push(String(r.reason));
      await killing;
      const loadS = elapsedS();

      // ---- drain, faults off ----
      const saleHits = emulators.braintree.saleFaults.current.hits;
      for (const f of faults) f.off();
      emulators.braintree.saleFaults.clear();
      const admin = async <T>(path: string): Promise<T> => {
        const res = await fetch(`${running[0]?.url}${path}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          signal: AbortSignal.timeout(60_000),
        });
        if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      };
      type Stats = { events: { byState: Record<string, number>; deadLetters: number; total: number } };
      const openOf = (s: Stats) =>
        s.events.byState['pending'] + s.events.byState['processing'] + s.events.byState['retrying'];
      const drainedOnce = async () =>
        dispatchers().every((d) => d.list({ status: 'pending' }).length === 0) &&
        openOf(await admin<Stats>('/admin/stats')) === 0;
      // Drained twice, a late-processing delay apart: nothing was still in flight the first time.
      const drained = await poll(
        async () => (await drainedOnce()) && (await sleep(2_000), await drainedOnce()),
        90_000,
        250,
      );
      if (!drained) problems.push('the queue did not drain within 90 s of the faults stopping');
      const drainS = elapsedS();

      // ---- verification ----
      const stats = await admin<Stats>('/admin/stats');
      const events: Array<{
        id: string;
        platform: string;
        type: string;
        state: string;
        attempts: number;
        lastError?: string;
      }> = [];
      for (let offset = 0; ; offset += 200) {
        const page = await admin<{ items: typeof events; total: number }>(
          `/admin/events?limit=200&offset=${offset}`,
        );
        events.push(...page.items);
        if (page.items.length < 200) break;
      }
      for (const e of events.filter((x) => !['done', 'ignored'].includes(x.state))) {
        problems.push(
          `event ${e.id} (${e.platform} ${e.type}) left ${e.state} after ${e.attempts} attempt(s): ${e.lastError ?? ''}`,
        );
      }

      const invoices = [...emulators.zoho.state.invoices.values()];
      if (invoices.length !== CUSTOMERS * INVOICES_PER_CUSTOMER)
        problems.push(`${invoices.length} Zoho invoices, expected ${CUSTOMERS * INVOICES_PER_CUSTOMER}`);
      let sales = 0;
      let payments = 0;
      for (const inv of invoices) {
        const ok = successfulSalesFor(target, inv.invoice_id);
        const paidBy = zohoPaymentsFor(target, inv.invoice_id);
        sales += ok.length;
        payments += paidBy.length;
        if (inv.status !== 'paid' || ok.length !== 1 || paidBy.length !== 1) suspects.add(inv.invoice_id);
        if (inv.status !== 'paid')
          problems.push(`invoice ${inv.invoice_id} (${inv.number}) is ${inv.status}`);
        if (ok.length !== 1)
          problems.push(
            `invoice ${inv.invoice_id} (${inv.number}): ${ok.length} successful sales (${ok.map((t) => `${t.id} at ${t.createdAt}`).join(', ')}), all sales: ${salesFor(
              target,
              inv.invoice_id,
            )
              .map((t) => `${t.id} ${t.status}`)
              .join(', ')}`,
          );
        if (paidBy.length !== 1)
          problems.push(
            `invoice ${inv.invoice_id} (${inv.number}): ${paidBy.length} Zoho payments (${paidBy.map((p) => `${p.payment_id} ref ${p.reference_number}`).join(', ')})`,
          );
        else if (ok.length === 1 && paidBy[0].reference_number !== ok[0].id)
          problems.push(
            `invoice ${inv.invoice_id}: Zoho payment reference ${paidBy[0].reference_number} is not the sale ${ok[0].id}`,
          );
      }

      const btCustomers = [...emulators.braintree.state.customers.values()];
      const zohoCustomers = [...emulators.zoho.state.customers.values()];
      const subscriptions = [...emulators.zoho.state.subscriptions.values()];
      if (customers.length !== CUSTOMERS)
        problems.push(`${customers.length} customers subscribed, expected ${CUSTOMERS}`);
      for (const [what, n] of [
        ['Braintree customers', btCustomers.length],
        ['Zoho customers', zohoCustomers.length],
        ['Zoho subscriptions', subscriptions.length],
      ] as const) {
        if (n !== CUSTOMERS) problems.push(`${n} ${what}, expected ${CUSTOMERS}`);
      }
      for (const c of customers) {
        const v = recordValues(target, c.recordId);
        const bt = btCustomers.filter((b) => b.id === v['braintree_customer_id']);
        const zc = zohoCustomers.filter((z) => JSON.stringify(z.custom_fields ?? []).includes(c.recordId));
        const subs = subscriptions.filter((s) => s.customer_id === c.zohoCustomerId);
        const last = c.invoices[c.invoices.length - 1];
        const want = {
          braintree_customer_id: bt.length === 1 ? bt[0].id : `(${bt.length} Braintree customers)`,
          zoho_customer_id: zc.length === 1 ? zc[0].customer_id : `(${zc.length} Zoho customers)`,
          zoho_subscription_id:
            subs.length === 1 ? subs[0].subscription_id : `(${subs.length} subscriptions)`,
          subscription_status: 'active',
          last_payment_status: 'paid',
          last_invoice_number: last?.number,
          checkout_link: undefined,
        };
        for (const [slug, value] of Object.entries(want)) {
          if (v[slug] !== value)
            problems.push(`Attio record ${c.recordId}: ${slug} = ${v[slug]}, expected ${value}`);
        }
        if (subs.length === 1 && subs[0].status !== 'live')
          problems.push(`subscription ${subs[0].subscription_id} is ${subs[0].status}`);
      }

      // Not an invariant of issue 12, reported for the record: the "Paid <number>" note of each invoice.
      let notesMissing = 0;
      let notesDuplicated = 0;
      for (const c of customers) {
        const titles = emulators.attio.state
          .listNotes({ parent_object: 'companies', parent_record_id: c.recordId, limit: 50 })
          .map((n) => n.title);
        for (const inv of c.invoices) {
          const n = titles.filter((t) => t === `Paid ${inv.number}`).length;
          if (n === 0) notesMissing += 1;
          if (n > 1) notesDuplicated += 1;
        }
      }

      const undelivered = dispatchers()
        .flatMap((d) => d.list({}))
        .filter((d) => d.status !== 'delivered');
      for (const d of undelivered)
        problems.push(`webhook ${d.event} to ${d.url} ${d.status} after ${d.attempts.length} attempts`);

      const today = new Date();
      const day = (offsetDays: number) =>
        new Date(today.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
      const reconciliation = await admin<{
        invoices: number;
        counts: Record<string, number>;
        unhealed: number;
        items: unknown[];
      }>(`/admin/reconciliation?from=${day(-1)}&to=${day(1)}`);
      if (reconciliation.unhealed !== 0 || reconciliation.items.length !== 0)
        problems.push(`reconciliation: ${JSON.stringify(reconciliation.items)}`);
      if (reconciliation.invoices !== CUSTOMERS * INVOICES_PER_CUSTOMER)
        problems.push(`reconciliation looked at ${reconciliation.invoices} invoices`);

      // ---- evidence: what happened to each suspect invoice and each event left unfinished, in order ----
      type Detail = {
        id: string;
        state: string;
        payload: unknown;
        attemptLog: Array<{
          attempt: number;
          startedAt: string;
          finishedAt?: string;
          outcome: string;
          error?: { message: string };
        }>;
      };
      const history = (d: Detail) =>
        `event ${d.id} (${d.state}): ` +
        d.attemptLog
          .map(
            (a) =>
              `#${a.attempt} ${a.startedAt}→${a.finishedAt ?? '?'} ${a.outcome}${a.error ? ` [${a.error.message}]` : ''}`,
          )
          .join(' | ');
      for (const item of reconciliation.items as Array<{ invoiceId?: string }>)
        if (item.invoiceId) suspects.add(item.invoiceId);
      const killedAt = kills
        .map((k) => `process ${k.process} SIGKILLed at ${new Date(startedAt + k.atS * 1000).toISOString()}`)
        .join(', ');
      if (suspects.size) {
        const invoiceEvents: Detail[] = [];
        for (const e of events.filter((x) => x.platform === 'zoho' && x.type === 'invoice_created'))
          invoiceEvents.push(await admin<Detail>(`/admin/events/${e.id}`));
        for (const id of suspects) {
          const inv = emulators.zoho.state.invoices.get(id);
          const record = customers.find((c) => c.invoices.some((i) => i.id === id))?.recordId;
          const sold = salesFor(target, id).map((t) => `${t.id} ${t.status} created ${t.createdAt}`);
          const paidBy = zohoPaymentsFor(target, id).map((p) => `${p.payment_id} ref ${p.reference_number}`);
          const logs = invoiceEvents.filter((d) => JSON.stringify(d.payload).includes(id)).map(history);
          problems.push(
            `evidence for invoice ${id} (${inv?.number}, record ${record}, ${inv?.status}): sales [${sold.join(', ')}]; ` +
              `Zoho payments [${paidBy.join(', ')}]; ${killedAt}; ${logs.join(' || ')}`,
          );
        }
      }
      for (const e of events.filter(
        (x) =>
          !['done', 'ignored'].includes(x.state) && !(x.platform === 'zoho' && x.type === 'invoice_created'),
      ))
        problems.push(`evidence: ${history(await admin<Detail>(`/admin/events/${e.id}`))}; ${killedAt}`);

      for (let i = 0; i < processes; i++) await scrapeMetrics(i);
      const faultCounts = Object.fromEntries(faults.map((f) => [f.name, f.counts()])) as Record<
        string,
        FaultCounts
      >;
      for (const f of faults) if (f.injected() === 0) problems.push(`no fault was injected into ${f.name}`);
      if (kills.length !== processes) problems.push(`${kills.length} kill(s), expected ${processes}`);
      const duplicates = dispatchers().reduce((n, d) => n + d.stats.duplicates, 0);
      const deliveries = dispatchers().reduce((n, d) => n + d.stats.deliveries, 0);
      const retries = events.reduce((n, e) => n + Math.max(0, e.attempts - 1), 0);
      const share = (c: FaultCounts) =>
        `${c.requests} requests, ${c.error} 5xx + ${c.rate_limit} 429 + ${c.hang} hangs + ${c.latency} slow = ${(((c.error + c.rate_limit + c.hang + c.latency) / Math.max(1, c.requests)) * 100).toFixed(1)} %`;

      const lines = [
        `chaos run on ${backend} (${roles})`,
        `  invoices: ${invoices.length} (${invoices.filter((i) => i.status === 'paid').length} paid); successful Braintree sales on them: ${sales} (all sales: ${[...emulators.braintree.state.transactions.values()].filter((t) => t.type === 'sale').length}); Zoho payments: ${payments}`,
        `  customers: ${customers.length} subscribed; Braintree customers ${btCustomers.length}, Zoho customers ${zohoCustomers.length}, Zoho subscriptions ${subscriptions.length}`,
        `  checkout completions: ${completion.attempts} attempts, answers ${JSON.stringify(completion.answers)}`,
        `  faults: attio ${share(faultCounts['attio'])}`,
        `          zoho ${share(faultCounts['zoho'])}`,
        `          braintree ${share(faultCounts['braintree'])}; sales: ${saleHits.lateAnswer} late answers, ${saleHits.lateProcessing} late processing, ${saleHits.searchLag} search lag`,
        `  webhooks: ${deliveries} deliveries, ${duplicates} duplicate copies (each delivered 3 times), ${undelivered.length} not delivered`,
        `  kills (SIGKILL): ${kills.map((k) => `process ${k.process} at ${k.atS} s (${k.paidBefore} invoices paid), back in ${(k.restartMs / 1000).toFixed(1)} s`).join('; ')}`,
        `  events: ${events.length} (${JSON.stringify(stats.events.byState)}); job retries ${retries}; dead letters ${stats.events.deadLetters}; upstream retries ${upstreamRetries}; breaker openings ${breakerOpenings}`,
        `  Attio "Paid <number>" notes (reported, not asserted): ${notesMissing} missing, ${notesDuplicated} duplicated`,
        `  reconciliation: ${reconciliation.invoices} invoices, ${JSON.stringify(reconciliation.counts)}, unhealed ${reconciliation.unhealed}`,
        `  wall time: load ${loadS} s, drain ${(drainS - loadS).toFixed(1)} s, total ${elapsedS()} s`,
        ...(problems.length
          ? [`  PROBLEMS (${problems.length}):`, ...problems.map((p) => `    - ${p}`)]
          : ['  no problem found']),
      ];
      process.stdout.write(`\n${lines.join('\n')}\n\n`);
      expect(problems).toEqual([]);
    }, 300_000);
  });
}
