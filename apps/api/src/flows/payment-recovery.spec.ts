import { JOB_QUEUE } from '@aia/events';
import type { JobQueue } from '@aia/events';
import { INVOICE_PAYMENT_JOB } from '@aia/workflows';
import { eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  advanceZohoClock,
  cardsStartDeclining,
  complete,
  declinedSalesFor,
  invoicesOf,
  notesOf,
  paidInvoices,
  recordValues,
  subscribedCustomer,
  successfulSalesFor,
  tokenizeCard,
  tokenOf,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(40_000);

describe('payment recovery: declines, retries on a schedule, card update, final action', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack({
      env: { PAYMENT_RETRY_SCHEDULE: '700ms,1400ms', PAYMENT_FINAL_ACTION: 'cancel_subscription' },
    });
  });
  afterAll(() => stack?.close());

  const renewalOf = async (zohoCustomerId: string) =>
    eventually('the renewal invoice', () =>
      invoicesOf(stack, zohoCustomerId).find((i) => i.transaction_type === 'renewal'),
    );
  const retryJobs = async (invoiceId: string) =>
    (await stack.app.get<JobQueue>(JOB_QUEUE).list({ name: INVOICE_PAYMENT_JOB })).items.filter(
      (j) => (j.data as { invoiceId: string }).invoiceId === invoiceId,
    );

  it('soft decline → past_due, update_card link, retry; the card update pays at once, exactly once', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    cardsStartDeclining(stack, customer.braintreeCustomerId, '2001');
    await advanceZohoClock(stack, 32);
    const renewal = await renewalOf(customer.zohoCustomerId);

    const failed = await eventually('the failure on the record', () => {
      const v = recordValues(stack, customer.recordId);
      return v['last_payment_status'] === 'failed' && !!v['checkout_link'] && v;
    });
    expect(failed['subscription_status']).toBe('past_due');
    const failureNote = notesOf(stack, customer.recordId).find(
      (n) => n.title === `Payment failed ${renewal.number}`,
    );
    expect(failureNote?.content).toContain('Insufficient Funds (2001, soft decline). Retry 1 of 2');
    await eventually(
      'the first scheduled retry to decline too',
      () => declinedSalesFor(stack, renewal.invoice_id).length >= 2,
    );

    // The customer opens the update_card link from the e-mail and saves a card that works.
    const link = recordValues(stack, customer.recordId)['checkout_link'] as string;
    const done = await complete(stack, tokenOf(link), await tokenizeCard(stack, '5555555555554444'));
    expect(done.status).toBe(200);
    await eventually(
      'the renewal paid',
      () => stack.zoho.state.invoices.get(renewal.invoice_id)?.status === 'paid',
    );
    // The last scheduled retry still runs later and must find the invoice paid.
    await eventually('every retry job finished', async () =>
      (await retryJobs(renewal.invoice_id)).every((j) => j.state === 'completed'),
    );
    expect(successfulSalesFor(stack, renewal.invoice_id)).toHaveLength(1);
    expect(zohoPaymentsFor(stack, renewal.invoice_id)).toHaveLength(1);
    const values = await eventually('Attio back to paid/active', () => {
      const v = recordValues(stack, customer.recordId);
      return v['last_payment_status'] === 'paid' && v;
    });
    expect(values['subscription_status']).toBe('active');
  });

  it('hard decline → no retries, the final action (cancel the Zoho subscription), unpaid until a card update', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    cardsStartDeclining(stack, customer.braintreeCustomerId, '2004');
    await advanceZohoClock(stack, 32);
    const renewal = await renewalOf(customer.zohoCustomerId);
    await eventually('the give-up note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === `Payment given up ${renewal.number}`),
    );
    expect(declinedSalesFor(stack, renewal.invoice_id)).toHaveLength(1);
    expect(await retryJobs(renewal.invoice_id)).toEqual([]);
    expect(recordValues(stack, customer.recordId)['subscription_status']).toBe('cancelled');
    expect(stack.zoho.state.subscriptions.get(customer.subscriptionId)?.status).toBe('cancelled');
    expect(
      notesOf(stack, customer.recordId).find((n) => n.title === `Payment failed ${renewal.number}`)?.content,
    ).toContain('A hard decline is not retried.');
  });

  it('soft declines until the schedule runs out → unpaid and the final action', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await paidInvoices(stack, customer.zohoCustomerId, 1);
    cardsStartDeclining(stack, customer.braintreeCustomerId, '2001');
    await advanceZohoClock(stack, 32);
    const renewal = await renewalOf(customer.zohoCustomerId);
    await eventually(
      'the give-up note after the last retry',
      () => notesOf(stack, customer.recordId).find((n) => n.title === `Payment given up ${renewal.number}`),
      15_000,
    );
    expect(declinedSalesFor(stack, renewal.invoice_id)).toHaveLength(3);
    expect(successfulSalesFor(stack, renewal.invoice_id)).toHaveLength(0);
  });
});
