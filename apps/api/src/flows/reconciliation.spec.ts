import { BraintreeTransactionsService } from '@aia/braintree';
import { ZohoPaymentsService } from '@aia/zoho';
import { ReconciliationUseCase } from '@aia/workflows';
import type { ReconciliationReport } from '@aia/workflows';
import { runReconcile } from '../cli/reconcile-command';
import { ADMIN_TOKEN, eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  paidInvoices,
  recordValues,
  subscribedCustomer,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(40_000);

describe('reconciliation: one seeded case of each class, found, classified and healed where safe', () => {
  let stack: ApiStack;
  const today = () => new Date().toISOString().slice(0, 10);
  const seeded: Record<string, string> = {};

  /** An invoice Zoho raises while its webhooks are switched off: the service never hears of it. */
  const quietInvoice = (zohoCustomerId: string, rate: number, dueDate?: string) => {
    const saved = stack.zoho.webhookConfig;
    stack.zoho.configureWebhooks({});
    try {
      return stack.zoho.billing.createInvoice({
        customer_id: zohoCustomerId,
        invoice_items: [{ name: 'Extra', rate, quantity: 1 }],
        ...(dueDate ? { date: dueDate, due_date: dueDate } : {}),
      });
    } finally {
      stack.zoho.configureWebhooks(saved);
    }
  };

  beforeAll(async () => {
    stack = await startApiStack();
    const charges = stack.app.get(BraintreeTransactionsService);

    const ok = await subscribedCustomer(stack, 'basic-monthly');
    seeded['ok'] = (await paidInvoices(stack, ok.zohoCustomerId, 1))[0].invoice_id;

    const notRecorded = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, notRecorded.zohoCustomerId, 1);
    const unrecorded = quietInvoice(notRecorded.zohoCustomerId, 75);
    const sale = await charges.chargeOnce(
      {
        orderId: unrecorded.invoice_id,
        amount: '75.00',
        currencyIsoCode: 'USD',
        customerId: notRecorded.braintreeCustomerId,
      },
      { firstAttempt: true },
    );
    expect(sale.outcome).toBe('approved');
    seeded['charged_not_recorded'] = unrecorded.invoice_id;

    const ghost = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, ghost.zohoCustomerId, 1);
    const ghostInvoice = quietInvoice(ghost.zohoCustomerId, 40);
    stack.zoho.billing.createPayment({
      customer_id: ghost.zohoCustomerId,
      payment_mode: 'creditcard',
      amount: 40,
      reference_number: 'ghost123',
      description: 'Braintree transaction ghost123',
      invoices: [{ invoice_id: ghostInvoice.invoice_id, amount_applied: 40 }],
    });
    seeded['recorded_without_charge'] = ghostInvoice.invoice_id;

    // A merchant may switch Braintree's duplicate check off; then nothing stops a second sale.
    await fetch(`${stack.config.braintree.gatewayUrl}/__sandbox/duplicate-checking`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    const twice = await subscribedCustomer(stack, 'basic-monthly');
    const [twiceInvoice] = await paidInvoices(stack, twice.zohoCustomerId, 1);
    await charges.chargeOnce(
      {
        orderId: twiceInvoice.invoice_id,
        amount: '29.00',
        currencyIsoCode: 'USD',
        customerId: twice.braintreeCustomerId,
      },
      { firstAttempt: true },
    );
    seeded['charged_twice'] = twiceInvoice.invoice_id;

    const pastDue = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, pastDue.zohoCustomerId, 1);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    seeded['unpaid_past_due'] = quietInvoice(pastDue.zohoCustomerId, 29, yesterday).invoice_id;

    const stale = await subscribedCustomer(stack, 'basic-monthly');
    const [staleInvoice] = await paidInvoices(stack, stale.zohoCustomerId, 1);
    await eventually(
      'paid on the record',
      () => recordValues(stack, stale.recordId)['last_payment_status'] === 'paid',
    );
    stack.attio.userEdit('companies', stale.recordId, { last_payment_status: 'failed' });
    seeded['attio_stale'] = staleInvoice.invoice_id;
    seeded['stale_record'] = stale.recordId;
  });
  afterAll(() => stack?.close());

  const classOf = (report: ReconciliationReport, invoiceId: string) =>
    report.items.filter((i) => i.invoiceId === invoiceId).map((i) => i.class);

  it('classifies every seeded case (dry run by default, nothing changed)', async () => {
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const res = await api<ReconciliationReport>(
      stack,
      'GET',
      `/admin/reconciliation?from=${from}&to=${today()}`,
      undefined,
      {
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
    );
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report.healed).toBe(false);
    expect(classOf(report, seeded['ok'])).toEqual([]);
    for (const cls of [
      'charged_not_recorded',
      'recorded_without_charge',
      'charged_twice',
      'unpaid_past_due',
      'attio_stale',
    ]) {
      expect(classOf(report, seeded[cls])).toContain(cls);
    }
    expect(report.counts.ok).toBeGreaterThan(0);
    expect(report.unhealed).toBe(report.items.length);
    expect(zohoPaymentsFor(stack, seeded['charged_not_recorded'])).toHaveLength(0);
  });

  it('heals the safe classes (records the payment, rewrites Attio) and leaves the rest for a person', async () => {
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const healed = await stack.app.get(ReconciliationUseCase).execute({ from, to: today(), heal: true });
    for (const item of healed.items) expect(item.healed ?? false).toBe(item.healable);
    expect(zohoPaymentsFor(stack, seeded['charged_not_recorded'])).toHaveLength(1);
    expect(stack.zoho.state.invoices.get(seeded['charged_not_recorded'])?.status).toBe('paid');
    expect(recordValues(stack, seeded['stale_record'])['last_payment_status']).toBe('paid');

    const after = await stack.app.get(ReconciliationUseCase).execute({ from, to: today() });
    expect(after.items.filter((i) => i.healable)).toEqual([]);
    expect(after.items.map((i) => i.class).sort()).toEqual([
      'charged_twice',
      'recorded_without_charge',
      'unpaid_past_due',
    ]);
  });

  it('refuses a malformed range with 400 and says why', async () => {
    const res = await api(stack, 'GET', '/admin/reconciliation?from=2026-13-01&to=yesterday', undefined, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    expect(res.status).toBe(400);
  });
});

describe('npm run reconcile (the command, in-process)', () => {
  let stack: ApiStack;
  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      DATA_DIR: stack.dataDir,
      ADMIN_TOKEN,
      ATTIO_API_URL: stack.config.attio.apiUrl,
      ZOHO_ACCOUNTS_URL: stack.config.zoho.accountsUrl,
      ZOHO_API_URL: stack.config.zoho.apiUrl,
      ZOHO_REQUESTS_PER_MINUTE: '100000',
      BRAINTREE_GATEWAY_URL: stack.config.braintree.gatewayUrl,
    };
    const code = await runReconcile(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('prints a table, progress on stderr, exit 0 when everything agrees; --json for machines; 2 on bad input', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    await eventually(
      'Attio paid',
      () => recordValues(stack, customer.recordId)['last_payment_status'] === 'paid',
    );
    const day = new Date().toISOString().slice(0, 10);
    const table = await run(['--from', day, '--to', day]);
    expect(table.code).toBe(0);
    expect(table.out).toContain('Everything agrees.');
    expect(table.err).toContain('[reconcile] 1/1 invoices');
    const json = await run(['--from', day, '--to', day, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ invoices: 1, unhealed: 0, counts: { ok: 1 } });

    stack.attio.userEdit('companies', customer.recordId, { last_payment_status: 'failed' });
    const stale = await run(['--from', day, '--to', day]);
    expect(stale.code).toBe(1);
    expect(stale.out).toMatch(/attio_stale\s+INV-/);
    const healed = await run(['--from', day, '--to', day, '--heal']);
    expect(healed.code).toBe(0);
    expect(recordValues(stack, customer.recordId)['last_payment_status']).toBe('paid');

    expect((await run(['--from', day])).code).toBe(2);
    expect((await run(['--from', 'yesterday', '--to', day])).code).toBe(2);
    expect((await run(['--bogus'])).code).toBe(2);
  });
});

describe('reconciliation heal racing the invoice payment job', () => {
  let stack: ApiStack;
  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  it('reads Zoho again before recording: a payment recorded since the report is not recorded twice', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    // A charged invoice Zoho has no payment for (its webhook off, so no job of ours records it).
    const saved = stack.zoho.webhookConfig;
    stack.zoho.configureWebhooks({});
    const invoice = stack.zoho.billing.createInvoice({
      customer_id: customer.zohoCustomerId,
      invoice_items: [{ name: 'Extra', rate: 60, quantity: 1 }],
    });
    stack.zoho.configureWebhooks(saved);
    const sale = await stack.app.get(BraintreeTransactionsService).chargeOnce(
      {
        orderId: invoice.invoice_id,
        amount: '60.00',
        currencyIsoCode: 'USD',
        customerId: customer.braintreeCustomerId,
      },
      { firstAttempt: true },
    );
    if (sale.outcome !== 'approved') throw new Error(`expected an approved sale, got ${sale.outcome}`);

    // The invoice's payment job records the sale after the heal's report read Zoho: just before the heal's
    // first call on the way to its write (the re-read if there is one, else the create itself).
    const payments = stack.app.get(ZohoPaymentsService);
    let raced = false;
    const race = (invoiceId: string, reference: string) => {
      if (invoiceId !== invoice.invoice_id || raced) return;
      raced = true;
      stack.zoho.billing.createPayment({
        customer_id: customer.zohoCustomerId,
        payment_mode: 'creditcard',
        amount: 60,
        reference_number: reference,
        description: `Braintree transaction ${reference}`,
        invoices: [{ invoice_id: invoiceId, amount_applied: 60 }],
      });
    };
    const find = payments.findByReference.bind(payments);
    const create = payments.create.bind(payments);
    const spies = [
      jest.spyOn(payments, 'findByReference').mockImplementation(async (invoiceId, reference) => {
        race(invoiceId, reference);
        return find(invoiceId, reference);
      }),
      jest.spyOn(payments, 'create').mockImplementation(async (input) => {
        race(input.invoices[0]?.invoiceId ?? '', input.referenceNumber ?? '');
        return create(input);
      }),
    ];
    try {
      const day = new Date().toISOString().slice(0, 10);
      const report = await stack.app.get(ReconciliationUseCase).execute({ from: day, to: day, heal: true });
      expect(raced).toBe(true);
      expect(report.items.find((i) => i.invoiceId === invoice.invoice_id)).toMatchObject({
        class: 'charged_not_recorded',
        healed: true,
      });
      expect(zohoPaymentsFor(stack, invoice.invoice_id)).toHaveLength(1);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
