import { HttpRequest, UpstreamError } from '@aia/platform';
import { createZohoEmulator, ZohoEmulator } from '@aia/sandbox-zoho';
import { startZohoStack as startStack, ZohoStack } from '../testing/zoho-stack.fixtures';
import type { ZohoHttpTransport } from './zoho-http.transport';
import { ZohoCustomersService } from './zoho-customers.service';
import { ZohoInvoicesService } from './zoho-invoices.service';
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

/** Lets the matching request reach the emulator, then loses its answer once (processed, caller unaware). */
const loseAnswerOnce =
  (match: (req: HttpRequest) => boolean) =>
  (inner: ZohoHttpTransport): ZohoHttpTransport => {
    let lose = true;
    return async (req) => {
      const res = await inner(req);
      if (lose && match(req)) {
        lose = false;
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      }
      return res;
    };
  };

describe('Zoho subscription changes and customer updates through the client (emulator in-process, real HTTP)', () => {
  let stack: ZohoStack<ZohoEmulator>;
  let customers: ZohoCustomersService;
  let subscriptions: ZohoSubscriptionsService;
  let invoices: ZohoInvoicesService;

  const start = async (options: Parameters<typeof startStack>[1] = {}) => {
    stack = await startZohoStack(options);
    customers = stack.moduleRef.get(ZohoCustomersService);
    subscriptions = stack.moduleRef.get(ZohoSubscriptionsService);
    invoices = stack.moduleRef.get(ZohoInvoicesService);
  };
  const restart = async (options: Parameters<typeof startStack>[1]) => {
    await stack.close();
    await start(options);
  };
  beforeEach(() => start());
  afterEach(() => stack.close());

  const subscribed = async (planCode = 'basic-monthly') => {
    const customer = await customers.create(customerInput());
    const sub = await subscriptions.create({
      customerId: customer.customer_id,
      planCode,
      referenceId: `chk_${seq++}`,
    });
    return { customer, sub };
  };
  const sentTo = (method: string, suffix: string) =>
    stack.sent.filter((r) => r.method === method && r.path.endsWith(suffix));
  const eventsOf = (type: string) => stack.emulator.state.events.filter((e) => e.event_type === type);
  const advanceDays = (days: number) => stack.emulator.server.clock.advance(days * 86_400_000);

  describe('ZohoSubscriptionsService.update', () => {
    it('now: upgrades at once; the prorated invoice is left to pay (balance = new plan less unused old plan)', async () => {
      const { customer, sub } = await subscribed('basic-monthly');
      const updated = await subscriptions.update(sub.subscription_id, {
        planCode: 'pro-monthly',
        endOfTerm: false,
      });
      expect(updated).toMatchObject({ status: 'live', amount: 99, plan: { plan_code: 'pro-monthly' } });
      expect(updated.child_invoice_id).not.toBe(sub.child_invoice_id);
      const upgrade = await invoices.get(updated.child_invoice_id as string);
      expect(upgrade).toMatchObject({
        total: 99,
        credits_applied: 29,
        balance: 70,
        transaction_type: 'upgrade',
      });
      expect(
        (await invoices.listByCustomer(customer.customer_id, 'Unpaid')).map((i) => i.balance).sort(),
      ).toEqual([29, 70]);
      expect(sentTo('PUT', `/subscriptions/${sub.subscription_id}`)[0].json).toEqual({
        plan: { plan_code: 'pro-monthly' },
        end_of_term: false,
      });
    });

    it('at the end of the term: nothing changes now, the scheduled change is readable, the renewal bills the new plan', async () => {
      const { sub } = await subscribed('pro-monthly');
      const answered = await subscriptions.update(sub.subscription_id, {
        planCode: 'basic-monthly',
        endOfTerm: true,
        quantity: 2,
      });
      expect(answered.plan?.plan_code).toBe('pro-monthly');
      expect(await subscriptions.getScheduledChanges(sub.subscription_id)).toMatchObject({
        amount: 58,
        plan: { plan_code: 'basic-monthly', quantity: 2 },
      });
      await advanceDays(32);
      // The access token expired on the sandbox clock: the client refreshes it on the 401.
      expect(await subscriptions.get(sub.subscription_id)).toMatchObject({
        amount: 58,
        plan: { plan_code: 'basic-monthly', quantity: 2 },
      });
    });

    it('refusals are permanent: unknown plan → not_found (1002), cancelled subscription → validation (2006)', async () => {
      const { sub } = await subscribed();
      const unknown = await rejection(
        subscriptions.update(sub.subscription_id, { planCode: 'legacy-gold', endOfTerm: false }),
      );
      expect(unknown).toMatchObject({
        kind: 'not_found',
        temporary: false,
        upstream: { status: 404, code: 1002 },
      });
      expect(unknown.message).toContain('Plan does not exist.');
      await subscriptions.cancel(sub.subscription_id, { atEnd: false });
      expect(
        await rejection(
          subscriptions.update(sub.subscription_id, { planCode: 'pro-monthly', endOfTerm: false }),
        ),
      ).toMatchObject({ kind: 'validation', upstream: { status: 400, code: 2006 } });
      expect(sentTo('PUT', `/subscriptions/${sub.subscription_id}`)).toHaveLength(2);
    });

    it('answer lost after Zoho changed the plan: the repeat check reads the subscription and does not send it again (one prorated invoice)', async () => {
      await restart({
        wrap: loseAnswerOnce((r) => r.method === 'PUT' && r.path.startsWith('/subscriptions/')),
      });
      const { sub } = await subscribed('basic-monthly');
      const updated = await subscriptions.update(sub.subscription_id, {
        planCode: 'pro-monthly',
        endOfTerm: false,
        quantity: 1,
      });
      expect(updated).toMatchObject({ plan: { plan_code: 'pro-monthly', quantity: 1 } });
      expect(sentTo('PUT', `/subscriptions/${sub.subscription_id}`)).toHaveLength(1);
      expect(sentTo('GET', `/subscriptions/${sub.subscription_id}`)).toHaveLength(1);
      expect(eventsOf('subscription_upgraded')).toHaveLength(1);
      expect(stack.emulator.state.invoicesBySubscription.get(sub.subscription_id)?.size).toBe(2);
    });

    it('a 503 from the fault injector (not processed): the check finds the old plan, so the change is sent again and made once', async () => {
      const { sub } = await subscribed('basic-monthly');
      await stack.emulator.server.app.inject({
        method: 'PUT',
        url: '/__sandbox/faults',
        payload: {
          errorRate: 1,
          errorStatus: 503,
          maxFaults: 1,
          pathIncludes: `/subscriptions/${sub.subscription_id}`,
        },
      });
      const updated = await subscriptions.update(sub.subscription_id, {
        planCode: 'pro-monthly',
        endOfTerm: false,
      });
      expect(updated.plan?.plan_code).toBe('pro-monthly');
      expect(sentTo('PUT', `/subscriptions/${sub.subscription_id}`)).toHaveLength(2);
      expect(eventsOf('subscription_upgraded')).toHaveLength(1);
      expect(stack.emulator.state.invoicesBySubscription.get(sub.subscription_id)?.size).toBe(2);
    });

    it('end of term, answer lost: the check reads the scheduled changes and does not send it again', async () => {
      await restart({
        wrap: loseAnswerOnce((r) => r.method === 'PUT' && r.path.startsWith('/subscriptions/')),
      });
      const { sub } = await subscribed('pro-monthly');
      const answered = await subscriptions.update(sub.subscription_id, {
        planCode: 'basic-monthly',
        endOfTerm: true,
      });
      expect(answered.plan?.plan_code).toBe('pro-monthly');
      expect(sentTo('PUT', `/subscriptions/${sub.subscription_id}`)).toHaveLength(1);
      expect(sentTo('GET', '/scheduledchanges')).toHaveLength(1);
      expect(stack.emulator.state.subscriptions.get(sub.subscription_id)?.scheduled_change).toMatchObject({
        plan_code: 'basic-monthly',
      });
    });
  });

  describe('ZohoSubscriptionsService.reactivate', () => {
    it('non_renewing → live; a live one is refused (validation)', async () => {
      const { sub } = await subscribed();
      await subscriptions.cancel(sub.subscription_id, { atEnd: true });
      expect(await subscriptions.reactivate(sub.subscription_id)).toMatchObject({
        status: 'live',
        expires_at: '',
      });
      expect(eventsOf('subscription_reactivated')).toHaveLength(1);
      expect(await rejection(subscriptions.reactivate(sub.subscription_id))).toMatchObject({
        kind: 'validation',
        upstream: { code: 2006 },
      });
    });

    it('answer lost after Zoho reactivated it: the check sees live and does not send it again', async () => {
      await restart({ wrap: loseAnswerOnce((r) => r.path.endsWith('/reactivate')) });
      const { sub } = await subscribed();
      await subscriptions.cancel(sub.subscription_id, { atEnd: true });
      expect((await subscriptions.reactivate(sub.subscription_id)).status).toBe('live');
      expect(sentTo('POST', '/reactivate')).toHaveLength(1);
      expect(eventsOf('subscription_reactivated')).toHaveLength(1);
    });

    it('the emulator hangs past the client timeout and processes it afterwards: the check (after the hang) sees live, nothing re-sent', async () => {
      // The hang delays processing (450 ms) past the client's timeout (400 ms). The check must read after the
      // emulator processed the request, as a slow network would make it: the first read after the timed-out
      // attempt is held back 300 ms (within its own 400 ms timeout), so it arrives after the hang ended.
      let timedOut = false;
      let heldBack = false;
      await restart({
        policy: { timeoutMs: 400 },
        wrap: (inner) => async (req) => {
          if (req.path.endsWith('/reactivate')) {
            try {
              return await inner(req);
            } catch (err) {
              timedOut = true;
              throw err;
            }
          }
          if (timedOut && !heldBack && req.method === 'GET') {
            heldBack = true;
            await new Promise((r) => setTimeout(r, 300));
          }
          return inner(req);
        },
      });
      const { sub } = await subscribed();
      await subscriptions.cancel(sub.subscription_id, { atEnd: true });
      await stack.emulator.server.app.inject({
        method: 'PUT',
        url: '/__sandbox/faults',
        payload: { hangRate: 1, hangMs: 450, maxFaults: 1, pathIncludes: '/reactivate' },
      });
      expect((await subscriptions.reactivate(sub.subscription_id)).status).toBe('live');
      expect(timedOut).toBe(true);
      expect(sentTo('POST', '/reactivate')).toHaveLength(1);
      expect(eventsOf('subscription_reactivated')).toHaveLength(1);
    });
  });

  describe('ZohoCustomersService.update', () => {
    it('updates the given fields; display_name and email left out are read and sent back unchanged', async () => {
      const created = await customers.create(customerInput());
      const updated = await customers.update(created.customer_id, {
        email: 'billing@initech.example',
        companyName: 'Initech',
        firstName: 'Bill',
        lastName: 'Lumbergh',
      });
      expect(updated).toMatchObject({
        display_name: created.display_name,
        email: 'billing@initech.example',
        company_name: 'Initech',
        first_name: 'Bill',
        last_name: 'Lumbergh',
      });
      // The Attio reference survives (custom fields are not sent).
      expect(updated.custom_fields).toEqual([expect.objectContaining({ label: 'attio_record_id' })]);
      const calls = stack.sent.filter((r) => r.path === `/customers/${created.customer_id}`);
      expect(calls.map((r) => r.method)).toEqual(['GET', 'PUT']);
      expect(calls[1].json).toEqual({
        display_name: created.display_name,
        email: 'billing@initech.example',
        company_name: 'Initech',
        first_name: 'Bill',
        last_name: 'Lumbergh',
      });
    });

    it('with display name and e-mail given, one PUT; a name another customer has is a conflict (3062)', async () => {
      const a = await customers.create(customerInput());
      const b = await customers.create(customerInput());
      await customers.update(a.customer_id, { displayName: 'Initrode', email: a.email });
      expect(stack.sent.filter((r) => r.path === `/customers/${a.customer_id}`).map((r) => r.method)).toEqual(
        ['PUT'],
      );
      expect(
        await rejection(customers.update(b.customer_id, { displayName: 'initrode', email: b.email })),
      ).toMatchObject({
        kind: 'conflict',
        upstream: { code: 3062 },
      });
      expect(
        await rejection(customers.update('1', { displayName: 'X', email: 'x@acme.test' })),
      ).toMatchObject({
        kind: 'not_found',
      });
    });

    it('answer lost: the PUT is simply sent again (idempotent) with the same outcome', async () => {
      await restart({ wrap: loseAnswerOnce((r) => r.method === 'PUT' && r.path.startsWith('/customers/')) });
      const created = await customers.create(customerInput());
      const updated = await customers.update(created.customer_id, {
        displayName: 'Globex',
        email: 'ap@globex.example',
      });
      expect(updated).toMatchObject({ display_name: 'Globex', email: 'ap@globex.example' });
      expect(sentTo('PUT', `/customers/${created.customer_id}`)).toHaveLength(2);
      expect(stack.emulator.state.customers.size).toBe(1);
    });
  });
});
