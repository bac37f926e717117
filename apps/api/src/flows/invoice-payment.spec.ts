import { createHmac, randomUUID } from 'node:crypto';
import { SANDBOX_DEFAULTS, UpstreamMetrics } from '@aia/platform';
import { invoiceView } from '@aia/sandbox-zoho';
import { ADMIN_TOKEN, startApiStack, eventually } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  invoicesOf,
  notesOf,
  paidInvoices,
  recordValues,
  subscribedCustomer,
  successfulSalesFor,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(30_000);

/** A Zoho webhook as Zoho sends it, signed with the sandbox secret (body only: the URL has no query). */
async function deliverZoho(stack: ApiStack, body: Record<string, unknown>): Promise<number> {
  const raw = JSON.stringify(body);
  const signature = createHmac('sha256', SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET).update(raw).digest('hex');
  const res = await fetch(`${stack.apiUrl}/webhooks/zoho`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': signature },
    body: raw,
  });
  return res.status;
}

describe('invoice payment: every Zoho invoice charged once, recorded, and shown in Attio', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  it('pays the first invoice of a new subscription: one sale, one Zoho payment, Attio updated', async () => {
    const customer = await subscribedCustomer(stack, 'pro-monthly');
    const [invoice] = await paidInvoices(stack, customer.zohoCustomerId, 1);
    const sales = successfulSalesFor(stack, invoice.invoice_id);
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({
      amount: '99.00',
      currencyIsoCode: 'USD',
      customerId: customer.braintreeCustomerId,
    });
    const payments = zohoPaymentsFor(stack, invoice.invoice_id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      payment_mode: 'creditcard',
      reference_number: sales[0].id,
      amount: 99,
    });
    const values = await eventually('Attio payment status', () => {
      const v = recordValues(stack, customer.recordId);
      return v['last_payment_status'] === 'paid' && v;
    });
    expect(values['last_invoice_number']).toBe(invoice.number);
    expect(values['last_payment_at']).toBeDefined();
    const note = await eventually('payment note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title.startsWith('Paid ')),
    );
    expect(note.content).toBe(`Paid ${invoice.number} 99.00 USD, Braintree ${sales[0].id}.`);
  });

  afterEach(async () => {
    const res = await fetch(`${stack.apiUrl}/admin/events?state=dead`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const dead = ((await res.json()) as { items: Array<{ type: string; lastError?: string }> }).items;
    expect(dead.map((e) => `${e.type}: ${e.lastError}`)).toEqual([]);
  });

  it('renewal through the Zoho clock: the new invoice is paid exactly once', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    await fetch(`${stack.config.zoho.accountsUrl}/__sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 32 }),
    });
    const invoices = await paidInvoices(stack, customer.zohoCustomerId, 2);
    for (const invoice of invoices) {
      expect(successfulSalesFor(stack, invoice.invoice_id)).toHaveLength(1);
      expect(zohoPaymentsFor(stack, invoice.invoice_id)).toHaveLength(1);
    }
  });

  it('five concurrent deliveries of one invoice under different event ids: one charge, one payment', async () => {
    const customer = await subscribedCustomer(stack, 'pro-yearly');
    const [first] = await paidInvoices(stack, customer.zohoCustomerId, 1);
    // A one-off invoice raised in Zoho, delivered five times at once as if Zoho retried under new ids.
    const created = stack.zoho.billing.createInvoice({
      customer_id: customer.zohoCustomerId,
      invoice_items: [{ name: 'Onboarding', rate: 250, quantity: 1 }],
    });
    const view = invoiceView(created, stack.zoho.state);
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliverZoho(stack, {
          event_id: randomUUID().replace(/-/g, '').slice(0, 18),
          event_type: 'invoice_created',
          event_time: new Date().toISOString(),
          data: { invoice: view },
        }),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await eventually(
      'the one-off invoice paid',
      () => stack.zoho.state.invoices.get(created.invoice_id)?.status === 'paid',
    );
    // Let the other deliveries (and Zoho's own) finish, then count.
    await new Promise((r) => setTimeout(r, 500));
    expect(successfulSalesFor(stack, created.invoice_id)).toHaveLength(1);
    expect(zohoPaymentsFor(stack, created.invoice_id)).toHaveLength(1);
    expect(successfulSalesFor(stack, first.invoice_id)).toHaveLength(1);
    expect(invoicesOf(stack, customer.zohoCustomerId).every((i) => i.status === 'paid')).toBe(true);
  });
});

describe('upstream calls per invoice', () => {
  let stack: ApiStack;
  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  /** Requests to each platform so far, as the API's own upstream metrics count them (every attempt). */
  async function callsByPlatform(): Promise<Record<string, number>> {
    const metric = stack.app.get(UpstreamMetrics).registry.getSingleMetric('upstream_requests_total');
    const out: Record<string, number> = {};
    for (const v of (await metric?.get())?.values ?? []) {
      const platform = String(v.labels['platform']);
      out[platform] = (out[platform] ?? 0) + v.value;
    }
    return out;
  }

  async function quiet(): Promise<void> {
    let last = '';
    await eventually('the pipeline to go quiet', async () => {
      const now = JSON.stringify(await callsByPlatform());
      const settled = now === last;
      last = now;
      await new Promise((r) => setTimeout(r, 300));
      return settled;
    });
  }

  it('first-attempt happy path: at most 5 (Attio query, sale, Zoho payment, Attio patch + note)', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    await quiet();
    const before = await callsByPlatform();
    const invoice = stack.zoho.billing.createInvoice({
      customer_id: customer.zohoCustomerId,
      invoice_items: [{ name: 'Seats', rate: 45, quantity: 1 }],
    });
    await eventually('paid', () => stack.zoho.state.invoices.get(invoice.invoice_id)?.status === 'paid');
    await quiet();
    const after = await callsByPlatform();
    const delta = Object.fromEntries(Object.keys(after).map((p) => [p, after[p] - (before[p] ?? 0)]));
    expect(delta).toEqual({ attio: 3, braintree: 1, zoho: 1 });
  });
});
