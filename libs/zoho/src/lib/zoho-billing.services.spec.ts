import { PolicyRegistry, UpstreamError } from '@aia/platform';
import { createZohoEmulator, ZohoEmulator } from '@aia/sandbox-zoho';
import { startZohoStack as startStack, ZohoStack } from '../testing/zoho-stack.fixtures';
import { ZohoCustomersService } from './zoho-customers.service';
import { ZohoInvoicesService } from './zoho-invoices.service';
import { ZohoPaymentsService } from './zoho-payments.service';
import { ZohoPlansService } from './zoho-plans.service';
import { ZohoSubscriptionsService } from './zoho-subscriptions.service';

const startZohoStack = (options: Parameters<typeof startStack>[1] = {}) =>
  startStack(createZohoEmulator, options);

let seq = 0;
const customerInput = () => {
  const id = `${Date.now().toString(36)}${seq++}`;
  return { displayName: `Acme ${id}`, email: `billing+${id}@acme.test`, attioRecordId: `rec_${id}` };
};

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as UpstreamError,
  );

describe('Zoho services against the emulator (in-process, real HTTP)', () => {
  let stack: ZohoStack<ZohoEmulator>;
  let plans: ZohoPlansService;
  let customers: ZohoCustomersService;
  let subscriptions: ZohoSubscriptionsService;
  let invoices: ZohoInvoicesService;
  let payments: ZohoPaymentsService;

  beforeEach(async () => {
    stack = await startZohoStack();
    plans = stack.moduleRef.get(ZohoPlansService);
    customers = stack.moduleRef.get(ZohoCustomersService);
    subscriptions = stack.moduleRef.get(ZohoSubscriptionsService);
    invoices = stack.moduleRef.get(ZohoInvoicesService);
    payments = stack.moduleRef.get(ZohoPaymentsService);
  });
  afterEach(() => stack.close());

  it('registers its policy in the PolicyRegistry', () => {
    expect(stack.moduleRef.get(PolicyRegistry).states()).toMatchObject({ zoho: 'closed' });
  });

  it('sends the OAuth and organization headers on every Billing call', async () => {
    await plans.list();
    const billingCall = stack.sent.find((r) => r.path === '/plans');
    expect(billingCall?.headers).toMatchObject({
      Authorization: expect.stringMatching(/^Zoho-oauthtoken 1000\./),
      'X-com-zoho-subscriptions-organizationid': '10000001',
    });
  });

  describe('plans', () => {
    it('lists active plans and gets one; an unknown plan is not_found', async () => {
      expect((await plans.list()).map((p) => p.plan_code).sort()).toEqual([
        'basic-monthly',
        'pro-monthly',
        'pro-yearly',
      ]);
      expect(await plans.get('pro-monthly')).toMatchObject({ recurring_price: 99, interval_unit: 'months' });
      const err = await rejection(plans.get('nope'));
      expect(err).toMatchObject({ kind: 'not_found', upstream: { status: 404, code: 1002 } });
    });
  });

  describe('customers', () => {
    it('creates, gets, finds by e-mail and by the Attio reference', async () => {
      const input = customerInput();
      const created = await customers.create(input);
      expect(created.custom_fields).toEqual([
        expect.objectContaining({ label: 'attio_record_id', value: input.attioRecordId }),
      ]);
      expect((await customers.get(created.customer_id)).email).toBe(input.email);
      expect((await customers.findByEmail(input.email.toUpperCase())).map((c) => c.customer_id)).toEqual([
        created.customer_id,
      ]);
      expect((await customers.findByReference(input.attioRecordId, input.email))?.customer_id).toBe(
        created.customer_id,
      );
      expect(await customers.findByReference('rec_unknown', input.email)).toBeUndefined();
      expect(await customers.findByReference(input.attioRecordId, 'nobody@acme.test')).toBeUndefined();
    });

    it('finds the reference only through lookups Zoho documents: the list by filter_by, then each candidate in full', async () => {
      // Two customers share the e-mail; only one holds the reference. 205 others put it on the second page.
      const email = 'shared@acme.test';
      for (let i = 0; i < 205; i++) {
        stack.emulator.billing.createCustomer({ display_name: `Filler ${i}`, email: `filler${i}@acme.test` });
      }
      const other = stack.emulator.billing.createCustomer({ display_name: 'Acme East', email });
      const ours = stack.emulator.billing.createCustomer({
        display_name: 'Acme West',
        email: 'Shared@Acme.test',
        custom_fields: [{ label: 'attio_record_id', value: 'rec_west' }],
      });
      stack.sent.length = 0;
      expect((await customers.findByReference('rec_west', email))?.customer_id).toBe(ours.customer_id);
      const billingCalls = stack.sent.filter((r) => r.path.startsWith('/customers'));
      expect(billingCalls.map((r) => [r.path, r.query])).toEqual([
        ['/customers', { filter_by: 'Status.All', page: 1, per_page: 200 }],
        ['/customers', { filter_by: 'Status.All', page: 2, per_page: 200 }],
        [`/customers/${other.customer_id}`, undefined],
        [`/customers/${ours.customer_id}`, undefined],
      ]);
      expect(stack.sent.some((r) => r.path.startsWith('/customers/reference/'))).toBe(false);
    });

    it('maps validation, conflict and not-found errors to permanent UpstreamErrors carrying Zoho code and message', async () => {
      const input = customerInput();
      await customers.create(input);
      const dup = await rejection(customers.create({ ...input, attioRecordId: 'rec_other' }));
      expect(dup).toMatchObject({ kind: 'conflict', upstream: { status: 400, code: 3062 } });
      expect(dup.message).toContain('already exists');
      const bad = await rejection(customers.create({ ...customerInput(), email: 'not-an-email' }));
      expect(bad).toMatchObject({ kind: 'validation', upstream: { code: 4 } });
      expect(bad.temporary).toBe(false);
      expect(await rejection(customers.get('1'))).toMatchObject({ kind: 'not_found' });
    });

    it('does not create a duplicate when the answer to a create is lost (repeat check finds it by reference)', async () => {
      await stack.close();
      let lose = true;
      stack = await startZohoStack({
        wrap: (inner) => async (req) => {
          const res = await inner(req);
          if (lose && req.method === 'POST' && req.path === '/customers') {
            lose = false;
            throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
          }
          return res;
        },
      });
      customers = stack.moduleRef.get(ZohoCustomersService);
      const input = customerInput();
      const created = await customers.create(input);
      expect(created.custom_fields).toEqual(
        expect.arrayContaining([expect.objectContaining({ value: input.attioRecordId })]),
      );
      expect(stack.emulator.state.customers.size).toBe(1);
      expect(stack.sent.filter((r) => r.method === 'POST' && r.path === '/customers')).toHaveLength(1);
    });
  });

  describe('subscriptions, invoices, payments', () => {
    const setup = async () => {
      const customer = await customers.create(customerInput());
      const sub = await subscriptions.create({
        customerId: customer.customer_id,
        planCode: 'basic-monthly',
        referenceId: `chk_${seq++}`,
      });
      return { customer, sub };
    };

    it('creates an offline subscription, gets it, lists it, and its invoice is listed by customer and status', async () => {
      const { customer, sub } = await setup();
      expect(sub).toMatchObject({ status: 'live', auto_collect: false, amount: 29 });
      expect((await subscriptions.get(sub.subscription_id)).reference_id).toBe(sub.reference_id);
      expect(
        (await subscriptions.listByCustomer(customer.customer_id, 'LIVE')).map((s) => s.subscription_id),
      ).toEqual([sub.subscription_id]);
      const unpaid = await invoices.listByCustomer(customer.customer_id, 'Unpaid');
      expect(unpaid).toHaveLength(1);
      expect(unpaid[0]).toMatchObject({ invoice_id: sub.child_invoice_id, balance: 29, status: 'sent' });
      expect(await invoices.listByCustomer(customer.customer_id, 'Paid')).toEqual([]);
      expect((await invoices.list({ subscriptionId: sub.subscription_id })).map((i) => i.invoice_id)).toEqual(
        [sub.child_invoice_id],
      );
    });

    it('rejects a subscription for an unknown plan (not_found) and an online one without card (validation)', async () => {
      const customer = await customers.create(customerInput());
      expect(
        await rejection(subscriptions.create({ customerId: customer.customer_id, planCode: 'nope' })),
      ).toMatchObject({ kind: 'not_found' });
      expect(
        await rejection(
          subscriptions.create({
            customerId: customer.customer_id,
            planCode: 'basic-monthly',
            autoCollect: true,
          }),
        ),
      ).toMatchObject({ kind: 'validation' });
      expect(await rejection(subscriptions.get('1'))).toMatchObject({ kind: 'not_found' });
    });

    it('cancels at term end and now; a second immediate cancel is refused (validation)', async () => {
      const { customer } = await setup();
      const a = await subscriptions.create({
        customerId: customer.customer_id,
        planCode: 'pro-monthly',
        referenceId: 'ref-a',
      });
      expect((await subscriptions.cancel(a.subscription_id, { atEnd: true })).status).toBe('non_renewing');
      const b = await subscriptions.create({
        customerId: customer.customer_id,
        planCode: 'pro-monthly',
        referenceId: 'ref-b',
      });
      expect((await subscriptions.cancel(b.subscription_id, { atEnd: false })).status).toBe('cancelled');
      expect(await rejection(subscriptions.cancel(b.subscription_id, { atEnd: false }))).toMatchObject({
        kind: 'validation',
      });
    });

    it('records a payment (invoice → paid), lists and gets it, deletes it (balance restored)', async () => {
      const { customer, sub } = await setup();
      const invoiceId = sub.child_invoice_id as string;
      const payment = await payments.create({
        customerId: customer.customer_id,
        amount: 29,
        paymentMode: 'creditcard',
        referenceNumber: 'bt_txn_1',
        invoices: [{ invoiceId, amountApplied: 29 }],
      });
      expect(payment).toMatchObject({ amount: 29, reference_number: 'bt_txn_1' });
      expect(await invoices.get(invoiceId)).toMatchObject({ status: 'paid', balance: 0 });
      expect((await payments.get(payment.payment_id)).customer_id).toBe(customer.customer_id);
      expect((await payments.list({ customerId: customer.customer_id })).map((p) => p.payment_id)).toEqual([
        payment.payment_id,
      ]);
      expect((await payments.findByReference(invoiceId, 'bt_txn_1'))?.payment_id).toBe(payment.payment_id);
      await payments.delete(payment.payment_id);
      expect(await invoices.get(invoiceId)).toMatchObject({ status: 'sent', balance: 29 });
      expect(await rejection(payments.get(payment.payment_id))).toMatchObject({ kind: 'not_found' });
      expect(
        await rejection(
          payments.create({
            customerId: customer.customer_id,
            amount: 50,
            paymentMode: 'cash',
            invoices: [{ invoiceId, amountApplied: 50 }],
          }),
        ),
      ).toMatchObject({ kind: 'validation' });
      expect(await rejection(invoices.get('1'))).toMatchObject({ kind: 'not_found' });
    });

    it('does not record a payment twice when the answer is lost (repeat check on the invoice payments)', async () => {
      await stack.close();
      let lose = true;
      stack = await startZohoStack({
        wrap: (inner) => async (req) => {
          const res = await inner(req);
          if (lose && req.method === 'POST' && req.path === '/payments') {
            lose = false;
            throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
          }
          return res;
        },
      });
      customers = stack.moduleRef.get(ZohoCustomersService);
      subscriptions = stack.moduleRef.get(ZohoSubscriptionsService);
      payments = stack.moduleRef.get(ZohoPaymentsService);
      const { customer, sub } = await setup();
      const payment = await payments.create({
        customerId: customer.customer_id,
        amount: 29,
        paymentMode: 'creditcard',
        referenceNumber: 'bt_txn_lost',
        invoices: [{ invoiceId: sub.child_invoice_id as string, amountApplied: 29 }],
      });
      expect(payment.reference_number).toBe('bt_txn_lost');
      expect(stack.emulator.state.payments.size).toBe(1);
    });
  });
});
