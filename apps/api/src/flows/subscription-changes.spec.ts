import { createHmac, randomUUID } from 'node:crypto';
import { SANDBOX_DEFAULTS } from '@aia/platform';
import { eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  notesOf,
  paidInvoices,
  pipelineDump,
  recordValues,
  subscribedCustomer,
  successfulSalesFor,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(30_000);

const planOf = (stack: ApiStack, subscriptionId: string) => {
  const sub = stack.zoho.state.subscriptions.get(subscriptionId);
  return sub?.plan_code;
};

describe('subscription changes driven from Attio (immediate plan changes, cancel at end of term)', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(() => stack?.close());

  it('upgrade mid-term: Zoho moves to the new plan now, the prorated invoice is paid once, a note', async () => {
    const c = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, c.zohoCustomerId, 1);
    stack.attio.userEdit('companies', c.recordId, { subscription_plan: 'pro-monthly' });
    await eventually('Zoho on pro-monthly', () => planOf(stack, c.subscriptionId) === 'pro-monthly');
    const invoices = await paidInvoices(stack, c.zohoCustomerId, 2);
    for (const invoice of invoices) {
      expect(successfulSalesFor(stack, invoice.invoice_id)).toHaveLength(1);
      expect(zohoPaymentsFor(stack, invoice.invoice_id)).toHaveLength(1);
    }
    const note = await eventually('the note', () =>
      notesOf(stack, c.recordId).find((n) => n.title === 'Plan changed'),
    );
    expect(note.content).toContain('from basic-monthly to pro-monthly');
  });

  it('two plan edits within a second: the last one wins and nothing is applied twice', async () => {
    const c = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, c.zohoCustomerId, 1);
    stack.attio.userEdit('companies', c.recordId, { subscription_plan: 'pro-monthly' });
    stack.attio.userEdit('companies', c.recordId, { subscription_plan: 'pro-yearly' });
    await eventually('Zoho on pro-yearly', () => planOf(stack, c.subscriptionId) === 'pro-yearly');
    await new Promise((r) => setTimeout(r, 600));
    expect(planOf(stack, c.subscriptionId)).toBe('pro-yearly');
    expect(notesOf(stack, c.recordId).filter((n) => n.title === 'Plan changed').length).toBeLessThanOrEqual(
      2,
    );
  });

  it('a plan code Zoho does not know: a note on the record, the subscription unchanged, no retry loop', async () => {
    const c = await subscribedCustomer(stack, 'basic-monthly');
    const object = stack.attio.state.object('companies');
    stack.attio.state.addOption(stack.attio.state.attribute(object, 'subscription_plan'), 'legacy-gold');
    stack.attio.userEdit('companies', c.recordId, { subscription_plan: 'legacy-gold' });
    const note = await eventually('the refusal note', () =>
      notesOf(stack, c.recordId).find((n) => n.title === 'Plan change not applied'),
    );
    expect(note.content).toContain('Zoho has no plan "legacy-gold"');
    expect(planOf(stack, c.subscriptionId)).toBe('basic-monthly');
    expect(recordValues(stack, c.recordId)['subscription_status']).toBe('active');
  });

  it('cancel at the end of the term, then reactivate', async () => {
    const c = await subscribedCustomer(stack, 'basic-monthly');
    stack.attio.userEdit('companies', c.recordId, { subscription_status: 'cancel_requested' });
    await eventually(
      'cancelling',
      () => recordValues(stack, c.recordId)['subscription_status'] === 'cancelling',
    );
    expect(stack.zoho.state.subscriptions.get(c.subscriptionId)?.status).toBe('non_renewing');
    stack.attio.userEdit('companies', c.recordId, { subscription_status: 'reactivate_requested' });
    await eventually(
      'active again',
      () => recordValues(stack, c.recordId)['subscription_status'] === 'active',
    ).catch(async (err: Error) => {
      throw new Error(
        `${err.message}: record ${JSON.stringify(recordValues(stack, c.recordId))}, Zoho ${stack.zoho.state.subscriptions.get(c.subscriptionId)?.status}\n${await pipelineDump(stack)}`,
      );
    });
    expect(stack.zoho.state.subscriptions.get(c.subscriptionId)?.status).toBe('live');
    const titles = notesOf(stack, c.recordId).map((n) => n.title);
    expect(titles).toContain('Subscription cancelled');
    await eventually('the reactivation note', () =>
      notesOf(stack, c.recordId).some((n) => n.title === 'Subscription reactivated'),
    );
  });

  it('the billing e-mail corrected in Attio reaches the Zoho and Braintree customers', async () => {
    const c = await subscribedCustomer(stack, 'basic-monthly');
    stack.attio.userEdit('companies', c.recordId, { billing_email: 'billing@initech.example' });
    await eventually(
      'Zoho e-mail',
      () => stack.zoho.state.customers.get(c.zohoCustomerId)?.email === 'billing@initech.example',
    );
    await eventually(
      'Braintree e-mail',
      () => stack.braintree.state.customers.get(c.braintreeCustomerId)?.email === 'billing@initech.example',
    );
    await eventually('the note', () =>
      notesOf(stack, c.recordId).find((n) => n.title === 'Billing details updated'),
    );
  });

  it('a replayed Attio delivery (new idempotency key, same events) applies nothing twice', async () => {
    const c = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, c.zohoCustomerId, 1);
    stack.attio.userEdit('companies', c.recordId, { subscription_plan: 'pro-monthly' });
    await eventually('Zoho on pro-monthly', () => planOf(stack, c.subscriptionId) === 'pro-monthly');
    await paidInvoices(stack, c.zohoCustomerId, 2);
    const [delivery] = stack.attio.server.webhooks
      .list({})
      .filter((d) => d.body.includes(c.recordId) && d.body.includes('record.updated'))
      .slice(-1);
    const raw = delivery.body;
    const sig = createHmac('sha256', SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET).update(raw).digest('hex');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${stack.apiUrl}/webhooks/attio`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'attio-signature': sig,
          'idempotency-key': randomUUID(),
        },
        body: raw,
      });
      expect(res.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 800));
    expect(notesOf(stack, c.recordId).filter((n) => n.title === 'Plan changed')).toHaveLength(1);
    expect(
      [...stack.zoho.state.invoices.values()].filter((i) => i.customer_id === c.zohoCustomerId),
    ).toHaveLength(2);
  });
});

describe('subscription changes at the end of the term (PLAN_CHANGE_AT=end_of_term)', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack({ env: { PLAN_CHANGE_AT: 'end_of_term' } });
  });
  afterAll(() => stack?.close());

  it('downgrade at the end of the term: no invoice now, the renewal is on the new plan', async () => {
    const c = await subscribedCustomer(stack, 'pro-monthly');
    await paidInvoices(stack, c.zohoCustomerId, 1);
    stack.attio.userEdit('companies', c.recordId, { subscription_plan: 'basic-monthly' });
    const note = await eventually('the note', () =>
      notesOf(stack, c.recordId).find((n) => n.title === 'Plan changed'),
    );
    expect(note.content).toContain('at the end of the current term');
    expect(
      [...stack.zoho.state.invoices.values()].filter((i) => i.customer_id === c.zohoCustomerId),
    ).toHaveLength(1);
    await fetch(`${stack.config.zoho.accountsUrl}/__sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 32 }),
    });
    const invoices = await paidInvoices(stack, c.zohoCustomerId, 2);
    const renewal = invoices.find((i) => i.transaction_type === 'renewal');
    expect(renewal?.total).toBe(29);
    expect(planOf(stack, c.subscriptionId)).toBe('basic-monthly');
  });
});
