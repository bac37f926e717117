import { WebhookPayloadError } from '@aia/platform';
import { createZohoEmulator } from '@aia/sandbox-zoho';
import { parseZohoWebhook } from './zoho-webhook.payload';

const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a WebhookPayloadError');
};

/** What the emulator would deliver for each event it recorded, in order. */
function lifecycleWebhooks(): Array<Record<string, unknown>> {
  const zoho = createZohoEmulator();
  zoho.seed();
  const { billing } = zoho;
  const customer = billing.createCustomer({ display_name: 'Acme', email: 'billing@acme.test' });
  const sub = billing.createSubscription({
    customer_id: customer.customer_id,
    plan: { plan_code: 'pro-monthly' },
    auto_collect: false,
    reference_id: 'attio-rec-1',
  });
  const invoiceId = sub.child_invoice_id as string;
  billing.declinePayment(invoiceId, 'Insufficient funds');
  const payment = billing.createPayment({
    customer_id: customer.customer_id,
    payment_mode: 'creditcard',
    amount: 99,
    reference_number: 'bt_txn_1',
    invoices: [{ invoice_id: invoiceId, amount_applied: 99 }],
  });
  billing.refundPayment(payment.payment_id, 10);
  billing.cancelSubscription(sub.subscription_id, false);
  return zoho.state.events.map((e) => ({
    event_id: e.event_id,
    event_type: e.event_type,
    event_time: e.event_time,
    data: JSON.parse(e.payload) as unknown,
  }));
}

const reasonOf = (payload: unknown, expected?: Parameters<typeof parseZohoWebhook>[1]): string => {
  const error = caught(() => parseZohoWebhook(payload, expected));
  expect(error).toBeInstanceOf(WebhookPayloadError);
  return (error as WebhookPayloadError).reason;
};

describe('parseZohoWebhook', () => {
  const webhooks = lifecycleWebhooks();
  const byType = (type: string) => webhooks.find((w) => w['event_type'] === type) as Record<string, unknown>;

  it('reads every event the emulator sends over a subscription lifecycle', () => {
    const parsed = webhooks.map((w) => parseZohoWebhook(w));
    expect(parsed.map((p) => p.eventType)).toEqual([
      'subscription_created',
      'invoice_created',
      'payment_declined',
      'payment_thankyou',
      'payment_refunded',
      'subscription_cancelled',
    ]);
    for (const p of parsed) expect(p.eventId).toMatch(/^\d+$/);
  });

  it('reads invoice_created: id, number, status, amounts, currency, customer, subscriptions', () => {
    const raw = byType('invoice_created');
    const invoice = (raw['data'] as { invoice: Record<string, unknown> }).invoice;
    const parsed = parseZohoWebhook(raw, 'invoice_created');
    expect(parsed).toEqual({
      eventId: raw['event_id'],
      eventType: 'invoice_created',
      eventTime: raw['event_time'],
      invoice: {
        invoiceId: invoice['invoice_id'],
        number: invoice['number'],
        status: 'sent',
        balance: 99,
        total: 99,
        currencyCode: 'USD',
        customerId: invoice['customer_id'],
        subscriptionIds: [
          (invoice['subscriptions'] as Array<{ subscription_id: string }>)[0].subscription_id,
        ],
        invoiceDate: invoice['invoice_date'],
        dueDate: invoice['due_date'],
      },
    });
  });

  it('reads payments (thank-you, refund) and the declined payment with its invoice', () => {
    const thanks = parseZohoWebhook(byType('payment_thankyou'), 'payment_thankyou');
    expect(thanks.payment).toMatchObject({
      amount: 99,
      amountRefunded: 0,
      status: 'success',
      paymentMode: 'creditcard',
      referenceNumber: 'bt_txn_1',
      currencyCode: 'USD',
      invoices: [{ invoiceId: expect.any(String), amountApplied: 99 }],
    });
    const refunded = parseZohoWebhook(byType('payment_refunded'), 'payment_refunded');
    expect(refunded.payment).toMatchObject({ paymentId: thanks.payment.paymentId, amountRefunded: 10 });
    const declined = parseZohoWebhook(byType('payment_declined'), 'payment_declined');
    expect(declined.payment).toMatchObject({ status: 'failure', amount: 99, paymentMode: 'autotransaction' });
    expect(declined.invoice).toMatchObject({ balance: 99, invoiceId: thanks.payment.invoices[0].invoiceId });
  });

  it('reads subscription events: id, status, customer, our reference, plan', () => {
    const created = parseZohoWebhook(byType('subscription_created'), 'subscription_created');
    expect(created.subscription).toMatchObject({
      status: 'live',
      referenceId: 'attio-rec-1',
      planCode: 'pro-monthly',
      amount: 99,
      currencyCode: 'USD',
    });
    const cancelled = parseZohoWebhook(byType('subscription_cancelled'), 'subscription_cancelled');
    expect(cancelled.subscription).toMatchObject({
      subscriptionId: created.subscription.subscriptionId,
      customerId: created.subscription.customerId,
      status: 'cancelled',
    });
  });

  it('accepts the alternative shapes Zoho documents: invoice_number, numeric ids and amounts as strings', () => {
    const parsed = parseZohoWebhook({
      event_id: 460000000012345,
      event_type: 'invoice_created',
      data: {
        invoice: {
          invoice_id: 460000000054321,
          invoice_number: 'INV-7',
          status: 'sent',
          balance: '12.50',
          total: 12.5,
          currency_code: 'EUR',
          customer_id: '4600',
          subscription_id: '9000',
        },
      },
    });
    expect(parsed).toMatchObject({
      eventId: '460000000012345',
      invoice: { invoiceId: '460000000054321', number: 'INV-7', balance: 12.5, subscriptionIds: ['9000'] },
    });
  });

  const invoiceEvent = byType('invoice_created');
  const withInvoice = (change: (invoice: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(invoiceEvent)) as { data: { invoice: Record<string, unknown> } };
    change(copy.data.invoice);
    return copy;
  };

  it.each<[string, unknown, string]>([
    ['a string', 'invoice_created', 'payload is not a JSON object (string)'],
    ['an array', [], 'payload is not a JSON object (array)'],
    ['no event_id', { event_type: 'invoice_created', data: {} }, 'event_id is missing'],
    ['an event_id object', { event_id: {}, event_type: 'x', data: {} }, 'event_id is not an id (object)'],
    ['no event_type', { event_id: '1', data: {} }, 'event_type is missing'],
    ['no data', { event_id: '1', event_type: 'invoice_created' }, 'data is missing'],
    [
      'data not an object',
      { event_id: '1', event_type: 'invoice_created', data: [1] },
      'data is not an object (array)',
    ],
    ['no invoice', { event_id: '1', event_type: 'invoice_created', data: {} }, 'data.invoice is missing'],
    [
      'an unknown event type',
      { event_id: '1', event_type: 'card_expiring', data: {} },
      'event_type card_expiring is not one parseZohoWebhook reads',
    ],
    ['no invoice_id', withInvoice((i) => delete i['invoice_id']), 'data.invoice.invoice_id is missing'],
    [
      'no number at all',
      withInvoice((i) => {
        delete i['number'];
        delete i['invoice_number'];
      }),
      'data.invoice.number is missing (and so is invoice_number)',
    ],
    [
      'a text balance',
      withInvoice((i) => (i['balance'] = 'lots')),
      'data.invoice.balance is not a number (string)',
    ],
    ['a null total', withInvoice((i) => (i['total'] = null)), 'data.invoice.total is missing'],
    [
      'a numeric currency',
      withInvoice((i) => (i['currency_code'] = 840)),
      'data.invoice.currency_code is not a string (number)',
    ],
    [
      'a bad subscription entry',
      withInvoice((i) => (i['subscriptions'] = ['sub-1'])),
      'data.invoice.subscriptions[0] is not an object (string)',
    ],
  ])('refuses %s with a readable reason', (_label, payload, reason) => {
    expect(reasonOf(payload)).toBe(reason);
  });

  it('names the field of a malformed payment or subscription, and refuses an unexpected event type', () => {
    const payment = JSON.parse(JSON.stringify(byType('payment_thankyou'))) as {
      data: { payment: { invoices: Array<Record<string, unknown>> } };
    };
    payment.data.payment.invoices[0]['amount_applied'] = true;
    expect(reasonOf(payment)).toBe('data.payment.invoices[0].amount_applied is not a number (boolean)');
    const sub = JSON.parse(JSON.stringify(byType('subscription_created'))) as {
      data: { subscription: Record<string, unknown> };
    };
    delete sub.data.subscription['customer_id'];
    delete sub.data.subscription['customer'];
    expect(reasonOf(sub)).toBe('data.subscription.customer_id is missing (and so is customer.customer_id)');
    expect(reasonOf(byType('payment_thankyou'), 'invoice_created')).toBe(
      'event_type is payment_thankyou, expected invoice_created',
    );
  });

  it('fails as a permanent error: a 400 DomainError the job pipeline dead-letters at once', () => {
    const error = caught(() => parseZohoWebhook({})) as WebhookPayloadError;
    expect(error).toMatchObject({ code: 'bad_request', platform: 'zoho', reason: 'event_id is missing' });
    expect(error.message).toBe('zoho webhook payload: event_id is missing');
  });
});
