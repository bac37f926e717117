import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiAnswer,
  customerInput,
  EmulatorHarness,
  expectSpecValid,
  specValidator,
  startHarness,
  subscriptionInput,
} from '../testing/zoho-emulator.fixtures';
import type { ZohoEmulatorOptions } from './zoho-emulator';
import { daysBetween } from './zoho-plan-change';
import { signZohoWebhook } from './zoho-webhook-signature';

interface Sub {
  subscription_id: string;
  status: string;
  amount: number;
  child_invoice_id: string;
  current_term_starts_at: string;
  current_term_ends_at: string;
  next_billing_at: string;
  expires_at: string;
  end_of_term: boolean;
  plan: { plan_code: string; quantity: number; price: number };
}
interface Inv {
  invoice_id: string;
  status: string;
  total: number;
  balance: number;
  credits_applied: number;
  transaction_type: string;
  invoice_date: string;
  invoice_items: Array<{ code: string; price: string; quantity: number; item_total: number }>;
}

const DAY = 86_400_000;
const money = (n: number) => Math.round(n * 100) / 100;

describe('Zoho emulator: subscription changes (PUT /subscriptions/{id}, reactivate, scheduledchanges)', () => {
  let h: EmulatorHarness;
  let customerId: string;

  const start = async (options: ZohoEmulatorOptions = {}) => {
    h = startHarness(options);
    const res = await h.api('POST', '/customers', { body: customerInput() });
    customerId = (res.body['customer'] as { customer_id: string }).customer_id;
  };
  beforeEach(() => start());
  afterEach(() => h.emulator.close());

  /** Every answer of the routes under test is checked against subscription.yml (errors: Zoho's envelope). */
  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await h.api(method, path, body === undefined ? {} : { body });
    expectSpecValid(method, path, res);
    return res;
  };
  const createSub = async (planCode: string, overrides: Record<string, unknown> = {}) =>
    (
      await call('POST', '/subscriptions', {
        ...subscriptionInput(customerId, { plan: { plan_code: planCode } }),
        ...overrides,
      })
    ).body['subscription'] as Sub;
  const update = (id: string, body: unknown) => call('PUT', `/subscriptions/${id}`, body);
  const reactivate = (id: string) => call('POST', `/subscriptions/${id}/reactivate`);
  const getSub = async (id: string) =>
    (await call('GET', `/subscriptions/${id}`)).body['subscription'] as Sub;
  const getInvoice = async (id: string) => (await h.api('GET', `/invoices/${id}`)).body['invoice'] as Inv;
  const invoicesOf = (subscriptionId: string) =>
    [...h.emulator.state.invoices.values()].filter((i) => i.subscription_id === subscriptionId);
  const eventsSince = (mark: number) => h.emulator.state.events.slice(mark).map((e) => e.event_type);
  const advanceDays = async (days: number) => {
    await h.emulator.server.clock.advance(days * DAY);
    h.renewToken(); // tokens expire on the sandbox clock
  };

  describe('PUT /subscriptions/{id}: plan change now (end_of_term false)', () => {
    it('upgrade mid-term: plan switched now, one prorated invoice less the unused old plan, subscription_upgraded + invoice_created', async () => {
      const sub = await createSub('basic-monthly');
      await advanceDays(10);
      const mark = h.emulator.state.events.length;
      const res = await update(sub.subscription_id, {
        plan: { plan_code: 'pro-monthly' },
        end_of_term: false,
      });
      expect(res.status).toBe(200);
      expect(res.body['message']).toBe('Subscription has been updated successfully.');
      const after = res.body['subscription'] as Sub;
      expect(after).toMatchObject({
        status: 'live',
        amount: 99,
        plan: { plan_code: 'pro-monthly', quantity: 1, price: 99 },
        // Zoho keeps the billing date on a prorated change.
        current_term_starts_at: sub.current_term_starts_at,
        current_term_ends_at: sub.current_term_ends_at,
        next_billing_at: sub.next_billing_at,
      });
      expect(after.child_invoice_id).not.toBe(sub.child_invoice_id);
      expect(eventsSince(mark)).toEqual(['subscription_upgraded', 'invoice_created']);

      const termDays = daysBetween(sub.current_term_starts_at, sub.current_term_ends_at);
      const left = termDays - 10;
      const charge = money((99 * left) / termDays);
      const credit = money((29 * left) / termDays);
      const invoice = await getInvoice(after.child_invoice_id);
      expect(invoice).toMatchObject({
        transaction_type: 'upgrade',
        status: 'sent',
        total: charge,
        credits_applied: credit,
        balance: money(charge - credit),
      });
      expect(invoice.invoice_items).toEqual([
        expect.objectContaining({ code: 'pro-monthly', price: charge.toFixed(2), quantity: 1 }),
      ]);
      expect(invoicesOf(sub.subscription_id)).toHaveLength(2);
    });

    it('an upgrade the day the term starts charges the full difference; the webhook payload carries the subscription', async () => {
      const sub = await createSub('basic-monthly');
      const mark = h.emulator.state.events.length;
      const after = (await update(sub.subscription_id, { plan: { plan_code: 'pro-monthly', quantity: 2 } }))
        .body['subscription'] as Sub;
      expect(after).toMatchObject({ amount: 198, plan: { quantity: 2 } });
      const invoice = await getInvoice(after.child_invoice_id);
      expect(invoice).toMatchObject({ total: 198, credits_applied: 29, balance: 169 });
      const upgraded = h.emulator.state.events
        .slice(mark)
        .find((e) => e.event_type === 'subscription_upgraded');
      const payload = JSON.parse(upgraded?.payload ?? '{}') as { subscription: Sub };
      expect(payload.subscription).toMatchObject({
        subscription_id: sub.subscription_id,
        plan: { plan_code: 'pro-monthly' },
      });
    });

    it('downgrade: plan switched now, no invoice (no credit note emulated), subscription_downgraded; the renewal bills the new plan', async () => {
      const sub = await createSub('pro-monthly');
      await advanceDays(5);
      const mark = h.emulator.state.events.length;
      const after = (await update(sub.subscription_id, { plan: { plan_code: 'basic-monthly' } })).body[
        'subscription'
      ] as Sub;
      expect(after).toMatchObject({ amount: 29, child_invoice_id: sub.child_invoice_id });
      expect(eventsSince(mark)).toEqual(['subscription_downgraded']);
      expect(invoicesOf(sub.subscription_id)).toHaveLength(1);
      await advanceDays(daysBetween(sub.current_term_starts_at, sub.current_term_ends_at));
      const renewal = invoicesOf(sub.subscription_id).find((i) => i.transaction_type === 'renewal');
      expect(renewal?.total).toBe(29);
    });

    it('a plan with another interval starts a new term today, credited with the unused old term', async () => {
      const sub = await createSub('basic-monthly');
      await advanceDays(3);
      const after = (await update(sub.subscription_id, { plan: { plan_code: 'pro-yearly' } })).body[
        'subscription'
      ] as Sub;
      const today = h.emulator.server.clock.now().toISOString().slice(0, 10);
      expect(after.current_term_starts_at).toBe(today);
      expect(daysBetween(after.current_term_starts_at, after.current_term_ends_at)).toBeGreaterThanOrEqual(
        365,
      );
      const termDays = daysBetween(sub.current_term_starts_at, sub.current_term_ends_at);
      const credit = money((29 * (termDays - 3)) / termDays);
      expect(await getInvoice(after.child_invoice_id)).toMatchObject({
        total: 990,
        credits_applied: credit,
        balance: money(990 - credit),
      });
    });

    it('same plan and price: nothing billed, no upgrade/downgrade event; reference and custom fields are updated', async () => {
      const sub = await createSub('basic-monthly');
      const mark = h.emulator.state.events.length;
      const res = await update(sub.subscription_id, {
        plan: { plan_code: 'basic-monthly' },
        reference_id: 'attio-deal-9',
        custom_fields: [{ label: 'source', value: 'attio' }],
      });
      expect(res.body['subscription']).toMatchObject({
        reference_id: 'attio-deal-9',
        custom_fields: [expect.objectContaining({ label: 'source', value: 'attio' })],
      });
      expect(eventsSince(mark)).toEqual([]);
      expect(invoicesOf(sub.subscription_id)).toHaveLength(1);
    });

    it('a future subscription changes plan without any invoice', async () => {
      const sub = await createSub('basic-monthly', { starts_at: '2999-01-01' });
      const after = (await update(sub.subscription_id, { plan: { plan_code: 'pro-monthly' } })).body[
        'subscription'
      ] as Sub;
      expect(after).toMatchObject({ status: 'future', amount: 99, child_invoice_id: '' });
      expect(invoicesOf(sub.subscription_id)).toHaveLength(0);
    });
  });

  describe('PUT /subscriptions/{id}: plan change at the end of the term (end_of_term true)', () => {
    it('stores the change (visible on GET scheduledchanges only), applies it at renewal: renewal invoice on the new plan, subscription_renewed + subscription_downgraded + invoice_created', async () => {
      const sub = await createSub('pro-monthly');
      const mark = h.emulator.state.events.length;
      const res = await update(sub.subscription_id, {
        plan: { plan_code: 'basic-monthly' },
        end_of_term: true,
      });
      expect(res.body['subscription']).toMatchObject({ amount: 99, plan: { plan_code: 'pro-monthly' } });
      expect(eventsSince(mark)).toEqual([]);
      expect(invoicesOf(sub.subscription_id)).toHaveLength(1);
      // GET /subscriptions/{id} does not show it; "View Scheduled Changes" does.
      expect((await getSub(sub.subscription_id)).plan.plan_code).toBe('pro-monthly');
      const scheduled = await call('GET', `/subscriptions/${sub.subscription_id}/scheduledchanges`);
      expect(scheduled.body['subscription']).toMatchObject({
        amount: 29,
        plan: { plan_code: 'basic-monthly', price: 29 },
        next_billing_at: sub.next_billing_at,
      });

      await advanceDays(daysBetween(sub.current_term_starts_at, sub.current_term_ends_at));
      expect(eventsSince(mark)).toEqual([
        'subscription_renewed',
        'subscription_downgraded',
        'invoice_created',
      ]);
      const renewed = await getSub(sub.subscription_id);
      expect(renewed).toMatchObject({ amount: 29, plan: { plan_code: 'basic-monthly' } });
      expect(await getInvoice(renewed.child_invoice_id)).toMatchObject({
        transaction_type: 'renewal',
        total: 29,
      });
      // Applied once: the next view of scheduled changes is the subscription as it is.
      const none = await call('GET', `/subscriptions/${sub.subscription_id}/scheduledchanges`);
      expect(none.body['subscription']).toMatchObject({ plan: { plan_code: 'basic-monthly' } });
    });

    it('a later change replaces the scheduled one; an immediate change drops it', async () => {
      const sub = await createSub('basic-monthly');
      await update(sub.subscription_id, { plan: { plan_code: 'pro-monthly' }, end_of_term: true });
      await update(sub.subscription_id, {
        plan: { plan_code: 'pro-monthly', quantity: 3 },
        end_of_term: true,
      });
      const scheduled = await call('GET', `/subscriptions/${sub.subscription_id}/scheduledchanges`);
      expect(scheduled.body['subscription']).toMatchObject({ amount: 297, plan: { quantity: 3 } });
      await update(sub.subscription_id, { plan: { plan_code: 'basic-monthly', quantity: 2 } });
      await advanceDays(daysBetween(sub.current_term_starts_at, sub.current_term_ends_at));
      expect(await getSub(sub.subscription_id)).toMatchObject({
        amount: 58,
        plan: { plan_code: 'basic-monthly' },
      });
    });
  });

  describe('PUT /subscriptions/{id}: refusals leave the subscription as it was', () => {
    it('unknown plan code: 404 / 1002 "Plan does not exist." (as create answers), nothing changed', async () => {
      const sub = await createSub('basic-monthly');
      const mark = h.emulator.state.events.length;
      const res = await update(sub.subscription_id, { plan: { plan_code: 'legacy-gold' } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 1002, message: 'Plan does not exist.' });
      expect((await getSub(sub.subscription_id)).plan.plan_code).toBe('basic-monthly');
      expect(eventsSince(mark)).toEqual([]);
    });

    it('missing plan or plan_code, bad quantity or price: 400 / 4', async () => {
      const sub = await createSub('basic-monthly');
      for (const body of [
        { end_of_term: false },
        { plan: {} },
        { plan: { plan_code: 'pro-monthly', quantity: 0 } },
        { plan: { plan_code: 'pro-monthly', quantity: 1.5 } },
        { plan: { plan_code: 'pro-monthly', price: -1 } },
        { plan: { plan_code: 'pro-monthly' }, custom_fields: 'x' },
      ]) {
        const res = await update(sub.subscription_id, body);
        expect(res.status).toBe(400);
        expect(res.body['code']).toBe(4);
      }
      expect(await getSub(sub.subscription_id)).toMatchObject({
        amount: 29,
        plan: { plan_code: 'basic-monthly' },
      });
    });

    it('cancelled and expired subscriptions, end-of-term changes of a non-renewing one, unknown ids', async () => {
      const cancelled = await createSub('basic-monthly');
      await call('POST', `/subscriptions/${cancelled.subscription_id}/cancel?cancel_at_end=false`);
      const refused = await update(cancelled.subscription_id, { plan: { plan_code: 'pro-monthly' } });
      expect(refused.status).toBe(400);
      expect(refused.body['code']).toBe(2006);

      const fixed = await createSub('basic-monthly', {
        plan: { plan_code: 'basic-monthly', billing_cycles: 1 },
      });
      await advanceDays(40);
      expect((await getSub(fixed.subscription_id)).status).toBe('expired');
      expect((await update(fixed.subscription_id, { plan: { plan_code: 'pro-monthly' } })).status).toBe(400);

      const ending = await createSub('basic-monthly');
      await call('POST', `/subscriptions/${ending.subscription_id}/cancel?cancel_at_end=true`);
      const scheduled = await update(ending.subscription_id, {
        plan: { plan_code: 'pro-monthly' },
        end_of_term: true,
      });
      expect(scheduled.status).toBe(400);
      expect(scheduled.body['code']).toBe(2006);
      // An immediate change of a non-renewing subscription is allowed and keeps it non-renewing.
      const now = await update(ending.subscription_id, { plan: { plan_code: 'pro-monthly' } });
      expect(now.body['subscription']).toMatchObject({ status: 'non_renewing', amount: 99 });

      expect((await update('1', { plan: { plan_code: 'pro-monthly' } })).status).toBe(404);
      expect((await call('GET', '/subscriptions/1/scheduledchanges')).status).toBe(404);
    });
  });

  describe('POST /subscriptions/{id}/reactivate', () => {
    it('non_renewing → live: cancellation undone, term kept, no invoice, subscription_reactivated; it renews later', async () => {
      const sub = await createSub('basic-monthly');
      await call('POST', `/subscriptions/${sub.subscription_id}/cancel?cancel_at_end=true`);
      const mark = h.emulator.state.events.length;
      const res = await reactivate(sub.subscription_id);
      expect(res.status).toBe(200);
      expect(res.body['message']).toBe('Subscription has been reactivated successfully.');
      expect(res.body['subscription']).toMatchObject({
        status: 'live',
        expires_at: '',
        end_of_term: false,
        current_term_ends_at: sub.current_term_ends_at,
        next_billing_at: sub.next_billing_at,
      });
      expect(eventsSince(mark)).toEqual(['subscription_reactivated']);
      expect(invoicesOf(sub.subscription_id)).toHaveLength(1);
      await advanceDays(daysBetween(sub.current_term_starts_at, sub.current_term_ends_at));
      expect((await getSub(sub.subscription_id)).status).toBe('live');
      expect(invoicesOf(sub.subscription_id)).toHaveLength(2);
    });

    it('cancelled within its term → live in the same term without an invoice (in-term reactivation)', async () => {
      const sub = await createSub('basic-monthly');
      await advanceDays(4);
      await call('POST', `/subscriptions/${sub.subscription_id}/cancel?cancel_at_end=false`);
      const res = await reactivate(sub.subscription_id);
      expect(res.body['subscription']).toMatchObject({
        status: 'live',
        current_term_starts_at: sub.current_term_starts_at,
        next_billing_at: sub.current_term_ends_at,
        expires_at: '',
      });
      expect(invoicesOf(sub.subscription_id)).toHaveLength(1);
    });

    it('cancelled after its term → live with a new term from today and its invoice (subscription_reactivated + invoice_created)', async () => {
      const sub = await createSub('basic-monthly');
      await call('POST', `/subscriptions/${sub.subscription_id}/cancel?cancel_at_end=true`);
      await advanceDays(45);
      expect((await getSub(sub.subscription_id)).status).toBe('cancelled');
      const mark = h.emulator.state.events.length;
      const after = (await reactivate(sub.subscription_id)).body['subscription'] as Sub;
      const today = h.emulator.server.clock.now().toISOString().slice(0, 10);
      expect(after).toMatchObject({ status: 'live', current_term_starts_at: today });
      expect(eventsSince(mark)).toEqual(['subscription_reactivated', 'invoice_created']);
      expect(await getInvoice(after.child_invoice_id)).toMatchObject({
        transaction_type: 'new',
        total: 29,
        invoice_date: today,
      });
    });

    it('refuses a live subscription (400 / 2006), other states, unknown ids; with reactivateCancelled:false a cancelled one too', async () => {
      const sub = await createSub('basic-monthly');
      const live = await reactivate(sub.subscription_id);
      expect(live.status).toBe(400);
      expect(live.body).toEqual({ code: 2006, message: 'The subscription is already live.' });
      const future = await createSub('basic-monthly', { starts_at: '2999-01-01' });
      expect((await reactivate(future.subscription_id)).status).toBe(400);
      expect((await reactivate('1')).status).toBe(404);

      await h.emulator.close();
      await start({ reactivateCancelled: false });
      const strict = await createSub('basic-monthly');
      await call('POST', `/subscriptions/${strict.subscription_id}/cancel?cancel_at_end=false`);
      const refused = await reactivate(strict.subscription_id);
      expect(refused.status).toBe(400);
      expect(refused.body['message']).toBe('Only non-renewing subscriptions can be reactivated.');
      const ending = await createSub('basic-monthly');
      await call('POST', `/subscriptions/${ending.subscription_id}/cancel?cancel_at_end=true`);
      expect((await reactivate(ending.subscription_id)).body['subscription']).toMatchObject({
        status: 'live',
      });
    });
  });

  it('delivers subscription_upgraded, subscription_downgraded and subscription_reactivated signed, shaped like the other subscription events', async () => {
    const received: Array<{ raw: string; signature: string | string[] | undefined }> = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        received.push({ raw, signature: req.headers['x-zoho-webhook-signature'] });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const secret = 'sandboxzohowebhooksecret';
      h.emulator.configureWebhooks({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zoho`,
        secret,
      });
      const sub = await createSub('basic-monthly');
      await update(sub.subscription_id, { plan: { plan_code: 'pro-monthly' } });
      await update(sub.subscription_id, { plan: { plan_code: 'basic-monthly' } });
      await call('POST', `/subscriptions/${sub.subscription_id}/cancel?cancel_at_end=true`);
      await reactivate(sub.subscription_id);
      await h.emulator.server.webhooks.settle();
      const bodies = received.map((r) => {
        expect(r.signature).toBe(signZohoWebhook(secret, r.raw));
        return JSON.parse(r.raw) as { event_type: string; data: { subscription?: Sub } };
      });
      expect(bodies.map((b) => b.event_type)).toEqual([
        'subscription_created',
        'invoice_created',
        'subscription_upgraded',
        'invoice_created',
        'subscription_downgraded',
        'subscription_cancellation_scheduled',
        'subscription_reactivated',
      ]);
      for (const b of bodies.filter((x) => x.event_type.startsWith('subscription_'))) {
        expect(Object.keys(b.data)).toEqual(['subscription']);
        expect(b.data.subscription?.subscription_id).toBe(sub.subscription_id);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('the prorated invoice differs from invoices.yml only where the spec types item_total as an integer', async () => {
    const sub = await createSub('basic-monthly');
    await advanceDays(7); // 99 × (days left ÷ 28…31) is never whole
    const after = (await update(sub.subscription_id, { plan: { plan_code: 'pro-monthly' } })).body[
      'subscription'
    ] as Sub;
    const path = `/invoices/${after.child_invoice_id}`;
    const res = await h.api('GET', path);
    expect(Number.isInteger((res.body['invoice'] as Inv).invoice_items[0].item_total)).toBe(false);
    const result = specValidator().validateResponse('GET', path, res.status, res.body);
    // Whole amounts validate (see zoho-spec-vs-docs.spec.ts); a prorated one cannot be an integer.
    expect(result.errors).toEqual(['/invoice/invoice_items/0/item_total must be integer']);
  });
});
