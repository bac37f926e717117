/*
 * The admin API behind the operations page (apps/checkout /ops), over HTTP against the real app and the
 * emulators: every route the page reads answers with the shapes of libs/contracts/src/lib/ops.contracts.ts,
 * behind the admin token, with 400 on bad input; the single-item reconciliation heal; CORS for the page.
 */
import { BraintreeTransactionsService } from '@aia/braintree';
import type {
  OpsErrorBody,
  OpsEventHistogram,
  OpsEventPage,
  OpsPaymentsReport,
  OpsPlatformsReport,
  OpsReconciliationReport,
} from '@aia/contracts';
import { ADMIN_TOKEN, eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  cardsStartDeclining,
  paidInvoices,
  recordValues,
  subscribedCustomer,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(60_000);

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('ops admin API over HTTP', () => {
  let stack: ApiStack;
  let paidInvoiceId: string;
  let paidCustomerId: string;
  let declinedInvoiceId: string;
  const get = <T>(path: string, headers: Record<string, string> = auth) =>
    api<T>(stack, 'GET', path, undefined, headers);
  const post = <T>(path: string, body: unknown) => api<T>(stack, 'POST', path, body, auth);

  /** An invoice Zoho raises while its webhooks are off: the service never hears of it. */
  const quietInvoice = (zohoCustomerId: string, rate: number) => {
    const saved = stack.zoho.webhookConfig;
    stack.zoho.configureWebhooks({});
    try {
      return stack.zoho.billing.createInvoice({
        customer_id: zohoCustomerId,
        invoice_items: [{ name: 'Extra', rate, quantity: 1 }],
      });
    } finally {
      stack.zoho.configureWebhooks(saved);
    }
  };

  beforeAll(async () => {
    stack = await startApiStack();
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    paidInvoiceId = (await paidInvoices(stack, customer.zohoCustomerId, 1))[0].invoice_id;
    paidCustomerId = customer.zohoCustomerId;
    // A declined sale: the card runs out of funds, then an invoice is charged.
    const declining = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, declining.zohoCustomerId, 1);
    cardsStartDeclining(stack, declining.braintreeCustomerId, '2001');
    const invoice = quietInvoice(declining.zohoCustomerId, 29);
    declinedInvoiceId = invoice.invoice_id;
    const declined = await stack.app.get(BraintreeTransactionsService).chargeOnce(
      {
        orderId: declinedInvoiceId,
        amount: '29.00',
        currencyIsoCode: 'USD',
        customerId: declining.braintreeCustomerId,
      },
      { firstAttempt: true },
    );
    expect(declined.outcome).toBe('declined');
  });
  afterAll(() => stack?.close());

  /** Until no event is waiting or running (the deliveries our own writes cause have been handled). */
  const settled = () =>
    eventually(
      'the event pipeline to settle',
      async () => {
        const page = await get<OpsEventPage>('/admin/events?limit=200');
        const busy = page.body.items.some((e) => ['pending', 'processing', 'retrying'].includes(e.state));
        await new Promise((r) => setTimeout(r, 200));
        return !busy;
      },
      20_000,
    );

  it('refuses every new route without the admin token (401, standard shape)', async () => {
    for (const path of ['/admin/events/histogram', '/admin/platforms', '/admin/payments']) {
      const res = await get<OpsErrorBody>(path, {});
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('GET /admin/events?q searches, GET /admin/events/histogram counts per hour', async () => {
    const all = await get<OpsEventPage>('/admin/events?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThan(0);
    const sample = all.body.items[all.body.items.length - 1];
    const found = await get<OpsEventPage>(
      `/admin/events?q=${encodeURIComponent(` ${sample.eventId.toUpperCase()} `)}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((e) => e.id)).toContain(sample.id);
    expect(
      found.body.items.every((e) =>
        JSON.stringify([e.id, e.eventId, e.type, e.key]).toLowerCase().includes(sample.eventId.toLowerCase()),
      ),
    ).toBe(true);
    expect((await get(`/admin/events?q=${'q'.repeat(201)}`)).status).toBe(400);

    const histogram = await get<OpsEventHistogram>('/admin/events/histogram?hours=6');
    expect(histogram.status).toBe(200);
    expect(histogram.body.hours).toHaveLength(6);
    const counted = histogram.body.hours.reduce(
      (sum, h) => sum + Object.values(h.counts).reduce((a, b) => a + b, 0),
      0,
    );
    // Deliveries may still arrive between the two reads.
    expect(counted).toBeGreaterThanOrEqual(all.body.total);
    for (const qs of ['hours=0', 'hours=169', 'hours=x'])
      expect((await get<OpsErrorBody>(`/admin/events/histogram?${qs}`)).body.error.code).toBe(
        'validation_failed',
      );
  });

  it('GET /admin/platforms reports this instance and each platform', async () => {
    const res = await get<OpsPlatformsReport>('/admin/platforms');
    expect(res.status).toBe(200);
    expect(res.body.instance).toEqual({
      role: expect.any(String),
      pid: process.pid,
      startedAt: expect.any(String),
    });
    expect(res.body.platforms.map((p) => p.platform)).toEqual(['attio', 'braintree', 'zoho']);
    for (const p of res.body.platforms) {
      expect(p.breaker).toBe('closed');
      expect(Array.isArray(p.recentErrors)).toBe(true);
      for (const r of p.rateLimits) {
        expect(['read', 'write', 'shared']).toContain(r.kind);
        expect(r.used).toBeGreaterThanOrEqual(0);
        expect(r.headroom === null || r.headroom >= 0).toBe(true);
      }
    }
    const zoho = res.body.platforms.find((p) => p.platform === 'zoho');
    expect(zoho?.rateLimits.find((r) => r.kind === 'shared')).toMatchObject({
      limit: 100_000,
      windowMs: 60_000,
    });
    const attio = res.body.platforms.find((p) => p.platform === 'attio');
    expect(attio?.rateLimits.map((r) => r.kind)).toEqual(['read', 'write']);
  });

  it('GET /admin/payments lists successful and failed sales and counts every day of the range', async () => {
    const res = await get<OpsPaymentsReport>('/admin/payments');
    expect(res.status).toBe(200);
    expect(res.body.to).toBe(today());
    expect(res.body.from).toBe(daysAgo(13));
    expect(res.body.perDay).toHaveLength(14);
    expect(res.body.perDay[0].date).toBe(res.body.from);
    const paid = res.body.payments.find((p) => p.invoiceId === paidInvoiceId);
    expect(paid).toMatchObject({
      currency: 'USD',
      status: expect.any(String),
      braintreeCustomerId: expect.any(String),
    });
    expect(paid?.processorResponse).toBeUndefined();
    expect(res.body.failed.find((p) => p.invoiceId === declinedInvoiceId)).toMatchObject({
      status: 'processor_declined',
      amount: '29.00',
      processorResponse: { code: '2001', text: 'Insufficient Funds' },
    });
    const day = res.body.perDay[13];
    expect(day.succeeded).toBe(res.body.payments.length);
    expect(day.failed).toBe(res.body.failed.length);
    const sum = res.body.payments.reduce((s, p) => s + Math.round(Number(p.amount) * 100), 0);
    expect(day.amounts).toEqual({ USD: (sum / 100).toFixed(2) });
    for (const p of [...res.body.payments, ...res.body.failed])
      expect(p.createdAt.slice(0, 10)).toBe(today());

    const past = await get<OpsPaymentsReport>(`/admin/payments?from=${daysAgo(40)}&to=${daysAgo(20)}`);
    expect(past.body).toMatchObject({ payments: [], failed: [] });
    expect(past.body.perDay).toHaveLength(21);
    expect(past.body.perDay.every((d) => d.succeeded === 0 && Object.keys(d.amounts).length === 0)).toBe(
      true,
    );
  });

  it.each([
    ['from after to', `from=${today()}&to=${daysAgo(1)}`],
    ['more than 92 days', `from=${daysAgo(92)}&to=${today()}`],
    ['not a date', 'from=yesterday'],
    ['an impossible date', 'from=2026-02-30&to=2026-03-02'],
    ['an unknown parameter', 'days=3'],
  ])('GET /admin/payments answers 400 for %s', async (_label, qs) => {
    const res = await get<OpsErrorBody>(`/admin/payments?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
  });

  it('accepts exactly 92 days', async () => {
    const res = await get<OpsPaymentsReport>(`/admin/payments?from=${daysAgo(91)}&to=${today()}`);
    expect(res.status).toBe(200);
    expect(res.body.perDay).toHaveLength(92);
  });

  it('POST /admin/reconciliation/heal heals only the named mismatch; 409 when it is not there or not healable', async () => {
    const charges = stack.app.get(BraintreeTransactionsService);
    const unrecorded = async () => {
      const c = await subscribedCustomer(stack, 'basic-monthly');
      await paidInvoices(stack, c.zohoCustomerId, 1);
      const invoice = quietInvoice(c.zohoCustomerId, 75);
      const sale = await charges.chargeOnce(
        {
          orderId: invoice.invoice_id,
          amount: '75.00',
          currencyIsoCode: 'USD',
          customerId: c.braintreeCustomerId,
        },
        { firstAttempt: true },
      );
      expect(sale.outcome).toBe('approved');
      return { ...c, invoiceId: invoice.invoice_id };
    };
    const first = await unrecorded();
    const second = await unrecorded();
    const range = { from: daysAgo(1), to: today() };
    // A Zoho card payment with no sale behind it: recorded_without_charge, which needs a person.
    const ghostInvoice = quietInvoice(paidCustomerId, 40);
    stack.zoho.billing.createPayment({
      customer_id: paidCustomerId,
      payment_mode: 'creditcard',
      amount: 40,
      reference_number: 'ghost123',
      description: 'Braintree transaction ghost123',
      invoices: [{ invoice_id: ghostInvoice.invoice_id, amount_applied: 40 }],
    });

    const healed = await post<OpsReconciliationReport>('/admin/reconciliation/heal', {
      ...range,
      invoiceId: first.invoiceId,
    });
    expect(healed.status).toBe(200);
    expect(healed.body.items.find((i) => i.invoiceId === first.invoiceId)).toMatchObject({
      class: 'charged_not_recorded',
      healed: true,
    });
    expect(healed.body.items.filter((i) => i.healed)).toHaveLength(1);
    expect(zohoPaymentsFor(stack, first.invoiceId)).toHaveLength(1);
    expect(zohoPaymentsFor(stack, second.invoiceId)).toHaveLength(0);

    // Already healed (no longer a mismatch), unknown, or not healable: 409, nothing changes.
    for (const body of [
      { ...range, invoiceId: first.invoiceId },
      { ...range, invoiceId: 'no-such-invoice' },
      { ...range, invoiceId: declinedInvoiceId }, // unpaid, not yet past due: no mismatch
      { ...range, zohoCustomerId: second.zohoCustomerId }, // Attio agrees: no attio_stale
    ]) {
      const res = await post<OpsErrorBody>('/admin/reconciliation/heal', body);
      expect({ body, status: res.status }).toEqual({ body, status: 409 });
      expect(res.body.error).toMatchObject({ code: 'conflict', message: expect.any(String) });
    }
    const person = await post<OpsErrorBody>('/admin/reconciliation/heal', {
      ...range,
      invoiceId: ghostInvoice.invoice_id,
    });
    expect(person.status).toBe(409);
    expect(person.body.error.message).toMatch(/recorded_without_charge.*not healable/);
    expect(zohoPaymentsFor(stack, second.invoiceId)).toHaveLength(0);

    // attio_stale, named by the customer: once the pipeline is quiet, a person overwrites the status.
    await settled();
    stack.attio.userEdit('companies', first.recordId, { last_payment_status: 'failed' });
    const stale = await post<OpsReconciliationReport>('/admin/reconciliation/heal', {
      ...range,
      zohoCustomerId: first.zohoCustomerId,
    });
    expect(stale.status).toBe(200);
    expect(stale.body.items.filter((i) => i.healed)).toEqual([
      expect.objectContaining({ class: 'attio_stale', zohoCustomerId: first.zohoCustomerId, healed: true }),
    ]);
    expect(recordValues(stack, first.recordId)['last_payment_status']).toBe('paid');
    expect(zohoPaymentsFor(stack, second.invoiceId)).toHaveLength(0);

    for (const body of [
      { ...range, invoiceId: first.invoiceId, zohoCustomerId: first.zohoCustomerId },
      { ...range, invoiceId: '' },
    ])
      expect((await post('/admin/reconciliation/heal', body)).status).toBe(400);
  });

  it('lets the ops page (checkout origin) send its bearer token cross-origin', async () => {
    const res = await fetch(`${stack.apiUrl}/admin/platforms`, {
      method: 'OPTIONS',
      headers: {
        origin: stack.config.checkoutPublicUrl,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(stack.config.checkoutPublicUrl);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });
});
