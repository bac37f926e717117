import {
  customerInput,
  EmulatorHarness,
  expectSpecValid,
  specValidator,
  startHarness,
  subscriptionInput,
} from '../testing/zoho-emulator.fixtures';
import { zohoDate } from './zoho-format';

interface Sub {
  subscription_id: string;
  status: string;
  child_invoice_id: string;
  next_billing_at: string;
  current_term_ends_at: string;
  expires_at: string;
  amount: number;
}
interface Inv {
  invoice_id: string;
  status: string;
  balance: number;
  payment_made: number;
  total: number;
  due_date: string;
  payments: Array<{ payment_id: string; reference_number: string }>;
}

describe('Zoho emulator: subscriptions, invoices, payments (validated against specs/zoho-billing)', () => {
  let h: EmulatorHarness;
  let customerId: string;

  beforeEach(async () => {
    h = startHarness();
    const res = await h.api('POST', '/customers', { body: customerInput() });
    customerId = (res.body['customer'] as { customer_id: string }).customer_id;
  });
  afterEach(() => h.emulator.close());

  const createSub = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/subscriptions', { body: subscriptionInput(customerId, overrides) });
    expectSpecValid('POST', '/subscriptions', res);
    return res;
  };
  const getInvoice = async (id: string) => {
    const res = await h.api('GET', `/invoices/${id}`);
    expectSpecValid('GET', `/invoices/${id}`, res);
    return res.body['invoice'] as Inv;
  };

  describe('subscriptions', () => {
    it('creates a live offline subscription with its first invoice, gets it and lists it by customer', async () => {
      const res = await createSub({ payment_terms: 15 });
      expect(res.status).toBe(201);
      const sub = res.body['subscription'] as Sub & {
        reference_id: string;
        custom_fields: unknown[];
        auto_collect: boolean;
      };
      expect(sub).toMatchObject({ status: 'live', amount: 29, auto_collect: false });
      expect(sub.reference_id).toMatch(/^attio-/);
      expect(sub.custom_fields).toEqual([expect.objectContaining({ label: 'source', value: 'checkout' })]);
      const invoice = await getInvoice(sub.child_invoice_id);
      expect(invoice).toMatchObject({ status: 'sent', total: 29, balance: 29, payment_made: 0 });
      const got = await h.api('GET', `/subscriptions/${sub.subscription_id}`);
      expectSpecValid('GET', `/subscriptions/${sub.subscription_id}`, got);
      const list = await h.api('GET', `/subscriptions?customer_id=${customerId}`);
      expectSpecValid('GET', '/subscriptions', list);
      expect((list.body['subscriptions'] as Sub[]).map((s) => s.subscription_id)).toEqual([
        sub.subscription_id,
      ]);
      const live = await h.api(
        'GET',
        `/subscriptions?customer_id=${customerId}&filter_by=SubscriptionStatus.CANCELLED`,
      );
      expect(live.body['subscriptions']).toEqual([]);
    });

    it('starts a future subscription without an invoice and honours quantity, price and reference search', async () => {
      const res = await createSub({
        starts_at: '2999-01-01',
        plan: { plan_code: 'pro-monthly', quantity: 2, price: 90 },
      });
      const sub = res.body['subscription'] as Sub;
      expect(sub).toMatchObject({
        status: 'future',
        next_billing_at: '2999-01-01',
        amount: 180,
        child_invoice_id: '',
      });
      const ref = (res.body['subscription'] as { reference_id: string }).reference_id;
      const found = await h.api('GET', `/subscriptions?reference_contains=${ref}`);
      expect(found.body['subscriptions']).toHaveLength(1);
    });

    it('rejects unknown customers and plans, missing plan_code, bad dates and online subscriptions without a card', async () => {
      const unknownCustomer = await h.api('POST', '/subscriptions', { body: subscriptionInput('1') });
      expect(unknownCustomer.status).toBe(404);
      expectSpecValid('POST', '/subscriptions', unknownCustomer);
      expect((await createSubRaw({ plan: { plan_code: 'nope' } })).status).toBe(404);
      expect((await createSubRaw({ plan: {} })).status).toBe(400);
      expect((await createSubRaw({ starts_at: '01/02/2025' })).status).toBe(400);
      const online = await createSubRaw({ auto_collect: true });
      expect(online.status).toBe(400);
      expect((await createSubRaw({ auto_collect: true, card_id: '4600001' })).status).toBe(201);
      expect((await h.api('GET', '/subscriptions/1')).status).toBe(404);
    });

    it('creates the customer inline when given a customer object instead of customer_id', async () => {
      const res = await h.api('POST', '/subscriptions', {
        body: { customer: customerInput(), plan: { plan_code: 'basic-monthly' }, auto_collect: false },
      });
      expect(res.status).toBe(201);
      expect(
        (res.body['subscription'] as { customer: { customer_id: string } }).customer.customer_id,
      ).toMatch(/^\d+$/);
    });

    it('cancels at term end (non_renewing) or at once (cancelled), and refuses a second cancel', async () => {
      const a = (await createSub()).body['subscription'] as Sub;
      const atEnd = await h.api('POST', `/subscriptions/${a.subscription_id}/cancel?cancel_at_end=true`);
      expectSpecValid('POST', `/subscriptions/${a.subscription_id}/cancel`, atEnd);
      expect(atEnd.body['subscription']).toMatchObject({
        status: 'non_renewing',
        expires_at: a.current_term_ends_at,
      });
      const b = (await createSub()).body['subscription'] as Sub;
      const now = await h.api('POST', `/subscriptions/${b.subscription_id}/cancel?cancel_at_end=false`);
      expect(now.body['subscription']).toMatchObject({ status: 'cancelled' });
      const again = await h.api('POST', `/subscriptions/${b.subscription_id}/cancel?cancel_at_end=false`);
      expect(again.status).toBe(400);
      expectSpecValid('POST', `/subscriptions/${b.subscription_id}/cancel`, again);
    });
  });

  async function createSubRaw(overrides: Record<string, unknown>) {
    return h.api('POST', '/subscriptions', { body: subscriptionInput(customerId, overrides) });
  }

  describe('invoices', () => {
    it('creates a manual invoice, lists by customer, subscription and status', async () => {
      const sub = (await createSub()).body['subscription'] as Sub;
      const created = await h.api('POST', '/invoices', {
        body: {
          customer_id: customerId,
          date: zohoDate(new Date()),
          invoice_items: [{ product_id: '1', name: 'Setup', rate: 50, quantity: 2 }],
        },
      });
      expect(created.status).toBe(201);
      expectSpecValid('POST', '/invoices', created);
      expect(created.body['invoice']).toMatchObject({ total: 100, balance: 100, status: 'sent' });

      const byCustomer = await h.api('GET', `/invoices?customer_id=${customerId}`);
      expectSpecValid('GET', '/invoices', byCustomer);
      expect(byCustomer.body['invoices']).toHaveLength(2);
      const bySub = await h.api('GET', `/invoices?subscription_id=${sub.subscription_id}`);
      expect((bySub.body['invoices'] as Inv[]).map((i) => i.invoice_id)).toEqual([sub.child_invoice_id]);
      expect(
        (await h.api('GET', `/invoices?customer_id=${customerId}&filter_by=Status.Paid`)).body['invoices'],
      ).toEqual([]);
      expect(
        (await h.api('GET', `/invoices?customer_id=${customerId}&filter_by=Status.Unpaid`)).body['invoices'],
      ).toHaveLength(2);
    });

    it('rejects invoices without items or customer, unknown ids and bad filters', async () => {
      const noItems = await h.api('POST', '/invoices', {
        body: { customer_id: customerId, invoice_items: [] },
      });
      expect(noItems.status).toBe(400);
      expectSpecValid('POST', '/invoices', noItems);
      expect(
        (await h.api('POST', '/invoices', { body: { invoice_items: [{ rate: 1, quantity: 1 }] } })).status,
      ).toBe(400);
      const missing = await h.api('GET', '/invoices/1');
      expect(missing.body).toEqual({ code: 1002, message: 'Invoice does not exist.' });
      expect((await h.api('GET', '/invoices?filter_by=Status.Bogus')).status).toBe(400);
    });

    it('voids an unpaid invoice, refuses to void one with payments, converts a void one back to open', async () => {
      const sub = (await createSub()).body['subscription'] as Sub;
      const voided = await h.api('POST', `/invoices/${sub.child_invoice_id}/void`);
      expectSpecValid('POST', `/invoices/${sub.child_invoice_id}/void`, voided);
      expect((await getInvoice(sub.child_invoice_id)).status).toBe('void');
      expect((await h.api('POST', `/invoices/${sub.child_invoice_id}/void`)).status).toBe(400);
      const reopened = await h.api('POST', `/invoices/${sub.child_invoice_id}/converttoopen`);
      expectSpecValid('POST', `/invoices/${sub.child_invoice_id}/converttoopen`, reopened);
      expect((await getInvoice(sub.child_invoice_id)).status).toBe('sent');
      await pay(sub.child_invoice_id, 10, 'txn-1');
      expect((await h.api('POST', `/invoices/${sub.child_invoice_id}/void`)).status).toBe(400);
    });
  });

  async function pay(invoiceId: string, amount: number, reference: string) {
    return h.api('POST', '/payments', {
      body: {
        customer_id: customerId,
        payment_mode: 'creditcard',
        amount,
        reference_number: reference,
        invoices: [{ invoice_id: invoiceId, amount_applied: amount }],
      },
    });
  }

  describe('payments', () => {
    it('moves an invoice sent → partially_paid → paid, and deleting a payment restores the balance', async () => {
      const sub = (await createSub()).body['subscription'] as Sub;
      const first = await pay(sub.child_invoice_id, 10, 'txn-a');
      expect(first.status).toBe(201);
      expectSpecValid('POST', '/payments', first);
      let invoice = await getInvoice(sub.child_invoice_id);
      expect(invoice).toMatchObject({ status: 'partially_paid', balance: 19, payment_made: 10 });
      expect(invoice.payments.map((p) => p.reference_number)).toEqual(['txn-a']);

      const second = await pay(sub.child_invoice_id, 19, 'txn-b');
      invoice = await getInvoice(sub.child_invoice_id);
      expect(invoice).toMatchObject({ status: 'paid', balance: 0, payment_made: 29 });

      const paymentId = (second.body['payment'] as { payment_id: string }).payment_id;
      const got = await h.api('GET', `/payments/${paymentId}`);
      expectSpecValid('GET', `/payments/${paymentId}`, got);
      expect(got.body['payment']).toMatchObject({ amount: 19, reference_number: 'txn-b', status: 'success' });

      const list = await h.api('GET', `/payments?customer_id=${customerId}`);
      expect(list.status).toBe(200);
      // No list operation in payments.yml: each item is checked against the payment-response component.
      for (const item of list.body['payments'] as unknown[]) {
        expect(specValidator().validateComponent('payments.yml', 'payment-response', item).errors).toEqual(
          [],
        );
      }
      expect(list.body['payments']).toHaveLength(2);
      expect(
        (await h.api('GET', `/payments?invoice_id=${sub.child_invoice_id}&reference_number=txn-a`)).body[
          'payments'
        ],
      ).toHaveLength(1);

      const deleted = await h.api('DELETE', `/payments/${paymentId}`);
      expectSpecValid('DELETE', `/payments/${paymentId}`, deleted);
      invoice = await getInvoice(sub.child_invoice_id);
      expect(invoice).toMatchObject({ status: 'partially_paid', balance: 19, payment_made: 10 });
      expect((await h.api('GET', `/payments/${paymentId}`)).status).toBe(404);
      expect((await h.api('DELETE', `/payments/${paymentId}`)).status).toBe(404);
    });

    it('rejects over-application, wrong customer, bad mode, missing fields and void invoices', async () => {
      const sub = (await createSub()).body['subscription'] as Sub;
      const over = await pay(sub.child_invoice_id, 30, 'x');
      expect(over.status).toBe(400);
      expectSpecValid('POST', '/payments', over);
      const otherCustomer = (await h.api('POST', '/customers', { body: customerInput() })).body[
        'customer'
      ] as { customer_id: string };
      const wrong = await h.api('POST', '/payments', {
        body: {
          customer_id: otherCustomer.customer_id,
          payment_mode: 'cash',
          amount: 5,
          invoices: [{ invoice_id: sub.child_invoice_id, amount_applied: 5 }],
        },
      });
      expect(wrong.status).toBe(400);
      expect(
        (
          await h.api('POST', '/payments', {
            body: { customer_id: customerId, payment_mode: 'bitcoin', amount: 5 },
          })
        ).status,
      ).toBe(400);
      expect(
        (await h.api('POST', '/payments', { body: { customer_id: customerId, payment_mode: 'cash' } }))
          .status,
      ).toBe(400);
      const tooMuch = await h.api('POST', '/payments', {
        body: {
          customer_id: customerId,
          payment_mode: 'cash',
          amount: 5,
          invoices: [{ invoice_id: sub.child_invoice_id, amount_applied: 6 }],
        },
      });
      expect(tooMuch.status).toBe(400);
      await h.api('POST', `/invoices/${sub.child_invoice_id}/void`);
      expect((await pay(sub.child_invoice_id, 1, 'y')).status).toBe(400);
      // An unapplied payment (customer credit) is allowed.
      expect(
        (
          await h.api('POST', '/payments', {
            body: { customer_id: customerId, payment_mode: 'cash', amount: 5 },
          })
        ).status,
      ).toBe(201);
    });
  });

  it('serves the read-only events API with payloads as JSON strings (events.yml)', async () => {
    await createSub();
    const list = await h.api('GET', '/events');
    expectSpecValid('GET', '/events', list);
    const events = list.body['events'] as Array<{ event_id: string; event_type: string }>;
    expect(events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['subscription_created', 'invoice_created']),
    );
    const one = await h.api('GET', `/events/${events[0].event_id}`);
    expectSpecValid('GET', `/events/${events[0].event_id}`, one);
    expect(typeof (one.body['event'] as { payload: unknown }).payload).toBe('string');
    expect((await h.api('GET', '/events/1')).status).toBe(404);
  });
});
