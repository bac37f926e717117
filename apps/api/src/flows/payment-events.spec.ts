import { AttioProvisioningUseCase } from '@aia/workflows';
import { eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  notesOf,
  paidInvoices,
  recordValues,
  subscribedCustomer,
  successfulSalesFor,
  zohoPaymentsFor,
} from '../testing/flow.fixtures';

jest.setTimeout(30_000);

async function braintreeControl(stack: ApiStack, path: string, body: unknown = {}) {
  const res = await fetch(`${stack.config.braintree.gatewayUrl}/__sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

describe('disputes, settlement outcomes and Zoho events reach Zoho and Attio', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack({ env: { SETTLEMENT_POLL_INTERVAL: '300ms' } });
    // A plan whose price Braintree's sandbox declines at settlement (4001.00: testing page).
    stack.zoho.seed({
      plans: [
        {
          plan_code: 'settles-declined',
          name: 'Declines at settlement',
          recurring_price: 4001,
          interval: 1,
          interval_unit: 'months',
          product_id: '460000000000100',
        },
      ],
    });
    // A plan added in Zoho becomes a subscription_plan option when provisioning runs again.
    await stack.app.get(AttioProvisioningUseCase).execute();
  });
  afterAll(() => stack?.close());

  const chargeOf = async (customer: Awaited<ReturnType<typeof subscribedCustomer>>) => {
    const [invoice] = await paidInvoices(stack, customer.zohoCustomerId, 1);
    return { invoice, sale: successfulSalesFor(stack, invoice.invoice_id)[0] };
  };

  it('dispute opened → Attio disputed + note; lost → the Zoho payment is removed and the invoice is open again', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    const { invoice, sale } = await chargeOf(customer);
    const dispute = await braintreeControl(stack, '/disputes', { transactionId: sale.id, reason: 'fraud' });
    await eventually(
      'disputed on the record',
      () => recordValues(stack, customer.recordId)['last_payment_status'] === 'disputed',
    );
    await eventually('the dispute note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === `Dispute opened ${invoice.number}`),
    );

    await braintreeControl(stack, `/disputes/${dispute['id']}/lose`);
    await eventually(
      'the invoice open again',
      () => stack.zoho.state.invoices.get(invoice.invoice_id)?.status !== 'paid',
    );
    expect(zohoPaymentsFor(stack, invoice.invoice_id)).toHaveLength(0);
    await eventually('the reversal note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === `Payment reversed ${invoice.number}`),
    );
  });

  it('dispute won → Attio shows paid again and the payment stays', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    const { invoice, sale } = await chargeOf(customer);
    const dispute = await braintreeControl(stack, '/disputes', { transactionId: sale.id });
    await eventually(
      'disputed',
      () => recordValues(stack, customer.recordId)['last_payment_status'] === 'disputed',
    );
    await braintreeControl(stack, `/disputes/${dispute['id']}/win`);
    await eventually(
      'paid again',
      () => recordValues(stack, customer.recordId)['last_payment_status'] === 'paid',
    );
    expect(zohoPaymentsFor(stack, invoice.invoice_id)).toHaveLength(1);
    await eventually('the note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === `Dispute won ${invoice.number}`),
    );
  });

  it('a card settlement declined (polled, no webhook) is treated like a lost dispute, once', async () => {
    const customer = await subscribedCustomer(stack, 'settles-declined');
    const { invoice, sale } = await chargeOf(customer);
    expect(sale.amount).toBe('4001.00');
    // Settlement runs on the Braintree clock: submitted_for_settlement → settling → settlement_declined.
    await braintreeControl(stack, '/clock/advance', { ms: 3 * 3_600_000 });
    await eventually(
      'the payment removed by the settlement poll',
      () => zohoPaymentsFor(stack, invoice.invoice_id).length === 0,
    );
    await eventually('the reversal note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === `Payment reversed ${invoice.number}`),
    );
    await new Promise((r) => setTimeout(r, 800)); // two more polls
    expect(
      notesOf(stack, customer.recordId).filter((n) => n.title === `Payment reversed ${invoice.number}`),
    ).toHaveLength(1);
    expect(recordValues(stack, customer.recordId)['last_payment_status']).toBe('disputed');
  });

  it('a payment recorded in Zoho by hand and a refund reach Attio; our own payments are not written twice', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    const { invoice } = await chargeOf(customer);
    await eventually(
      'our payment on the record',
      () => recordValues(stack, customer.recordId)['last_payment_status'] === 'paid',
    );
    expect(
      notesOf(stack, customer.recordId).filter((n) => n.title.startsWith('Payment received')),
    ).toHaveLength(0);

    const manual = stack.zoho.billing.createInvoice({
      customer_id: customer.zohoCustomerId,
      invoice_items: [{ name: 'Consulting', rate: 120, quantity: 1 }],
    });
    await eventually(
      'the one-off invoice paid by card',
      () => stack.zoho.state.invoices.get(manual.invoice_id)?.status === 'paid',
    );
    const payment = zohoPaymentsFor(stack, invoice.invoice_id)[0];
    stack.zoho.billing.refundPayment(payment.payment_id, 10);
    await eventually(
      'refunded on the record',
      () => recordValues(stack, customer.recordId)['last_payment_status'] === 'refunded',
    );
    await eventually('the refund note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === `Payment refunded ${payment.payment_id}`),
    );
  });

  it('a subscription cancelled in Zoho shows as cancelled in Attio', async () => {
    const customer = await subscribedCustomer(stack, 'basic-monthly');
    await chargeOf(customer);
    stack.zoho.billing.cancelSubscription(customer.subscriptionId, false);
    await eventually(
      'cancelled on the record',
      () => recordValues(stack, customer.recordId)['subscription_status'] === 'cancelled',
    );
    await eventually('the note', () =>
      notesOf(stack, customer.recordId).find((n) => n.title === 'Subscription cancelled'),
    );
  });
});
