/*
 * The money-path suite (test-only), run on SQLite (one API process) and on Redis/BullMQ (two API processes
 * sharing the queue): emulator faults on the sale, job retries, process kills. After each case: exactly one
 * successful Braintree sale and exactly one Zoho payment for the invoice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { loadAppConfig, SANDBOX_DEFAULTS } from '@aia/platform';
import type { AppModuleOverrides } from '../app/app.module';
import { ADMIN_TOKEN, eventually, freePort, startEmulators } from './api-stack';
import type { Emulators, FlowTarget } from './api-stack';
import { startApiProcess } from './api-processes';
import type { ApiProcess } from './api-processes';
import {
  paidInvoices,
  pipelineDump,
  subscribedCustomer,
  successfulSalesFor,
  zohoPaymentsFor,
} from './flow.fixtures';

/** Braintree answers a sale in ~ms here; 1 s is "the client's timeout" the faults play against. */
const SALE_TIMEOUT_MS = 1_000;
/** Late processing lands this long after the request: after the timeout and the first empty search. */
const LATE_PROCESSING_MS = 1_600;

const OVERRIDES: AppModuleOverrides = {
  events: {
    queue: {
      concurrency: 4,
      maxAttempts: 10,
      backoff: { baseMs: 200, maxMs: 1_000 },
      leaseMs: 3_000,
      pollIntervalMs: 25,
      retentionMs: 3_600_000,
      keyRecheckMs: 25,
    },
    shutdownGraceMs: 1_000,
  },
  // The search window must outlast late processing: that is the documented condition of exactly-once.
  braintree: { chargeSearch: { searchLagMs: 2_500, searchRetryMs: 200 } },
  policies: {
    attio: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3_000 },
    zoho: { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 3_000 },
    braintree: { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: SALE_TIMEOUT_MS },
  },
};

export function describeMoneyPath(backend: 'sqlite' | 'redis'): void {
  const processes = backend === 'redis' ? 2 : 1;
  describe(`money path on ${backend} (${processes} API process${processes > 1 ? 'es' : ''}): faults, retries, kills`, () => {
    let emulators: Emulators;
    let target: FlowTarget;
    let env: Record<string, string>;
    const running: ApiProcess[] = [];
    let dataDir: string;

    const start = async (index: number) => {
      const overrides: AppModuleOverrides = {
        ...OVERRIDES,
        events: { ...OVERRIDES.events, redisPrefix: prefix },
        workflows: { provisionOnStart: index === 0 },
      };
      running[index] = await startApiProcess({
        ...env,
        PORT: String(ports[index]),
        AIA_TEST_OVERRIDES: JSON.stringify(overrides),
      });
    };
    let ports: number[] = [];
    const prefix = `aia-money-${process.pid}-${Date.now()}`;

    beforeAll(async () => {
      ports = await Promise.all(Array.from({ length: processes }, () => freePort()));
      const apiUrl = `http://127.0.0.1:${ports[0]}`;
      emulators = await startEmulators(apiUrl);
      dataDir = mkdtempSync(join(tmpdir(), `aia-money-${backend}-`));
      env = {
        ...emulators.env,
        DATA_DIR: dataDir,
        ADMIN_TOKEN,
        PUBLIC_API_URL: apiUrl,
        ...(backend === 'redis' ? { REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' } : {}),
      };
      target = {
        apiUrl,
        attio: emulators.attio,
        zoho: emulators.zoho,
        braintree: emulators.braintree,
        config: loadAppConfig({ ...env, PORT: String(ports[0]) }),
      };
      for (let i = 0; i < processes; i++) await start(i);
      await eventually('Attio provisioned by the first process', () =>
        emulators.attio.state
          .attributesOf(emulators.attio.state.object('companies'), false)
          .some((a) => a.api_slug === 'checkout_link'),
      );
      // Braintree's own duplicate check is off, as a merchant may have it: nothing but our code prevents a second sale.
      await control('PUT', '/duplicate-checking', { enabled: false });
    }, 60_000);

    afterAll(async () => {
      for (const p of running) await p?.kill();
      await emulators?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    async function control(method: 'PUT' | 'DELETE' | 'POST', path: string, body?: unknown) {
      const res = await fetch(`${target.config.braintree.gatewayUrl}/__sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    }

    /** A one-off invoice for a subscribed customer; Zoho delivers invoice_created to the first process. */
    async function chargeOneInvoice(faults: Record<string, unknown>, rate = 50) {
      const customer = await subscribedCustomer(target, 'basic-monthly');
      await paidInvoices(target, customer.zohoCustomerId, 1);
      await control('PUT', '/sale-faults', faults);
      const invoice = emulators.zoho.billing.createInvoice({
        customer_id: customer.zohoCustomerId,
        invoice_items: [{ name: 'Usage', rate, quantity: 1 }],
      });
      return { customer, invoice };
    }

    async function expectExactlyOnce(invoiceId: string) {
      try {
        await eventually(
          'the invoice paid',
          () => emulators.zoho.state.invoices.get(invoiceId)?.status === 'paid',
          20_000,
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${await pipelineDump(target)}`);
      }
      // Anything still in flight (a late sale, a retried job) has time to land before counting.
      await new Promise((r) => setTimeout(r, LATE_PROCESSING_MS + 500));
      const sales = successfulSalesFor(target, invoiceId);
      expect(sales).toHaveLength(1);
      const payments = zohoPaymentsFor(target, invoiceId);
      expect(payments).toHaveLength(1);
      expect(payments[0].reference_number).toBe(sales[0].id);
    }

    /** The fault really struck (a test that passes without it proves nothing). */
    async function expectHits(fault: 'lateAnswer' | 'lateProcessing' | 'searchLag') {
      const res = await fetch(`${target.config.braintree.gatewayUrl}/__sandbox/sale-faults`);
      const current = (await res.json()) as { hits: Record<string, number> };
      expect(current.hits[fault]).toBeGreaterThan(0);
    }

    afterEach(() => control('DELETE', '/sale-faults'));

    it('a sale processed but answered after the client timeout: found by search, not sent again', async () => {
      const { invoice } = await chargeOneInvoice({ lateAnswer: { delayMs: SALE_TIMEOUT_MS + 800, next: 1 } });
      await expectExactlyOnce(invoice.invoice_id);
      await expectHits('lateAnswer');
    });

    it('a sale that times out and is processed only later, after the first search came back empty', async () => {
      const { invoice } = await chargeOneInvoice({
        lateProcessing: { delayMs: LATE_PROCESSING_MS, next: 1 },
      });
      await expectExactlyOnce(invoice.invoice_id);
    });

    it('search results lagging the sale, with a late answer', async () => {
      const { invoice } = await chargeOneInvoice({
        lateAnswer: { delayMs: SALE_TIMEOUT_MS + 500, next: 1 },
        searchLag: { delayMs: 1_200, next: 5 },
      });
      await expectExactlyOnce(invoice.invoice_id);
      await expectHits('lateAnswer');
      await expectHits('searchLag');
    });

    it('five concurrent deliveries of one invoice reach every process: one charge', async () => {
      const { invoice } = await chargeOneInvoice({});
      const view = { ...emulators.zoho.state.invoices.get(invoice.invoice_id) };
      await Promise.all(
        Array.from({ length: 5 }, async (_, i) => {
          const raw = JSON.stringify({
            event_id: `dup-${invoice.invoice_id}-${i}`,
            event_type: 'invoice_created',
            event_time: new Date().toISOString(),
            data: { invoice: { ...view, invoice_number: view.number } },
          });
          const sig = createHmac('sha256', SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET).update(raw).digest('hex');
          const url = running[i % running.length].url;
          const res = await fetch(`${url}/webhooks/zoho`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': sig },
            body: raw,
          });
          expect(res.status).toBe(200);
        }),
      );
      await expectExactlyOnce(invoice.invoice_id);
    });

    it('every process killed (SIGKILL) between the sale and the Zoho payment: on restart the payment is recorded once', async () => {
      const customer = await subscribedCustomer(target, 'basic-monthly');
      await paidInvoices(target, customer.zohoCustomerId, 1);
      // Zoho refuses payments for now: the sale happens, recording it fails and the job keeps retrying.
      emulators.zoho.server.faults.configure({
        errorRate: 1,
        errorStatus: 500,
        pathIncludes: '/billing/v1/payments',
      });
      const invoice = emulators.zoho.billing.createInvoice({
        customer_id: customer.zohoCustomerId,
        invoice_items: [{ name: 'Usage', rate: 61, quantity: 1 }],
      });
      await eventually('the sale', () => successfulSalesFor(target, invoice.invoice_id).length === 1);
      for (const p of running) await p.kill();
      emulators.zoho.server.faults.clear();
      for (let i = 0; i < processes; i++) await start(i);
      await expectExactlyOnce(invoice.invoice_id);
    });
  });
}
