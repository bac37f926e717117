import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  customerInput,
  EmulatorHarness,
  startHarness,
  subscriptionInput,
} from '../testing/zoho-emulator.fixtures';
import { signZohoWebhook } from './zoho-webhook-signature';

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  url: string;
  body: {
    event_id: string;
    event_type: string;
    event_time: string;
    data: Record<string, Record<string, unknown>>;
  };
}

async function startReceiver(failFirst = 0): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures-- > 0) {
        res.statusCode = 500;
        return res.end();
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, url: req.url ?? '', body: JSON.parse(raw) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/zoho`, received, server };
}

describe('Zoho emulator: clock, renewals, overdue and webhooks', () => {
  let h: EmulatorHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = 'sandboxzohowebhooksecret';

  beforeEach(async () => {
    receiver = await startReceiver();
    h = startHarness({ webhookBaseDelayMs: 10 });
  });
  afterEach(async () => {
    await h.emulator.close();
    await new Promise((r) => receiver.server.close(r));
  });

  const newCustomer = async () =>
    (
      (await h.api('POST', '/customers', { body: customerInput() })).body['customer'] as {
        customer_id: string;
      }
    ).customer_id;

  const configure = async (url = receiver.url) => {
    const res = await h.emulator.server.app.inject({
      method: 'PUT',
      url: '/__sandbox/webhooks',
      payload: { url, secret },
    });
    expect(res.json()).toEqual({ url, secret_set: true });
  };

  it('delivers subscription_created and invoice_created, signed over sorted query pairs + raw body', async () => {
    await configure(`${receiver.url}?b=2&a=1`);
    const customerId = await newCustomer();
    const sub = (await h.api('POST', '/subscriptions', { body: subscriptionInput(customerId) })).body[
      'subscription'
    ] as { subscription_id: string; child_invoice_id: string };
    await h.emulator.server.webhooks.settle();
    expect(receiver.received.map((r) => r.body.event_type)).toEqual([
      'subscription_created',
      'invoice_created',
    ]);
    for (const r of receiver.received) {
      expect(r.headers['x-zoho-webhook-signature']).toBe(signZohoWebhook(secret, r.raw, { a: '1', b: '2' }));
      expect(r.headers['x-zoho-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
      expect(r.body.event_id).toMatch(/^\d+$/);
      expect(r.body.event_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    }
    expect(receiver.received[0].body.data['subscription']['subscription_id']).toBe(sub.subscription_id);
    expect(receiver.received[1].body.data['invoice']['invoice_id']).toBe(sub.child_invoice_id);
  });

  it('retries a failed delivery with the same bytes and signature', async () => {
    await new Promise((r) => receiver.server.close(r));
    receiver = await startReceiver(2);
    await configure();
    await newCustomer()
      .then((id) => h.api('POST', '/customers', { body: customerInput() }).then(() => id))
      .then((id) =>
        h.api('POST', '/invoices', {
          body: { customer_id: id, invoice_items: [{ product_id: '1', rate: 5, quantity: 1 }] },
        }),
      );
    await h.emulator.server.webhooks.settle();
    const [delivery] = h.emulator.server.webhooks.list({ event: 'invoice_created' });
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.status).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
  });

  it('renews live subscriptions when the clock passes next_billing_at and marks unpaid invoices overdue', async () => {
    await configure();
    const customerId = await newCustomer();
    const created = (
      await h.api('POST', '/subscriptions', { body: subscriptionInput(customerId, { payment_terms: 5 }) })
    ).body['subscription'] as { subscription_id: string; child_invoice_id: string; next_billing_at: string };
    await h.emulator.server.app.inject({
      method: 'POST',
      url: '/__sandbox/clock/advance',
      payload: { days: 32 },
    });
    // Tokens live 3600 s on the sandbox clock: 32 days later the old one is expired, as it would be in Zoho.
    expect((await h.api('GET', `/subscriptions/${created.subscription_id}`)).status).toBe(401);
    h.renewToken();
    const sub = (await h.api('GET', `/subscriptions/${created.subscription_id}`)).body['subscription'] as {
      child_invoice_id: string;
      last_billing_at: string;
      next_billing_at: string;
      status: string;
    };
    expect(sub.status).toBe('live');
    expect(sub.last_billing_at).toBe(created.next_billing_at);
    expect(sub.child_invoice_id).not.toBe(created.child_invoice_id);
    const first = (await h.api('GET', `/invoices/${created.child_invoice_id}`)).body['invoice'] as {
      status: string;
    };
    expect(first.status).toBe('overdue');
    const renewal = (await h.api('GET', `/invoices/${sub.child_invoice_id}`)).body['invoice'] as {
      status: string;
      due_date: string;
      invoice_date: string;
    };
    expect(renewal.invoice_date).toBe(created.next_billing_at);
    expect(renewal.status).toBe('sent');
    const overdue = await h.api('GET', `/invoices?customer_id=${customerId}&filter_by=Status.OverDue`);
    expect(overdue.body['invoices']).toHaveLength(1);
    await h.emulator.server.webhooks.settle();
    expect(receiver.received.map((r) => r.body.event_type)).toEqual([
      'subscription_created',
      'invoice_created',
      'subscription_renewed',
      'invoice_created',
    ]);
  });

  it('ends non-renewing subscriptions at term end (subscription_cancelled) and starts future ones', async () => {
    await configure();
    const customerId = await newCustomer();
    const a = (await h.api('POST', '/subscriptions', { body: subscriptionInput(customerId) })).body[
      'subscription'
    ] as { subscription_id: string };
    await h.api('POST', `/subscriptions/${a.subscription_id}/cancel?cancel_at_end=true`);
    const starts = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const b = (
      await h.api('POST', '/subscriptions', { body: subscriptionInput(customerId, { starts_at: starts }) })
    ).body['subscription'] as { subscription_id: string };
    await h.emulator.server.clock.advance(40 * 86_400_000);
    expect(h.emulator.state.subscriptions.get(a.subscription_id)?.status).toBe('cancelled');
    expect(h.emulator.state.subscriptions.get(b.subscription_id)?.status).toBe('live');
    await h.emulator.server.webhooks.settle();
    const types = receiver.received.map((r) => r.body.event_type);
    expect(types).toEqual(
      expect.arrayContaining([
        'subscription_cancellation_scheduled',
        'subscription_cancelled',
        'subscription_activation',
      ]),
    );
  });

  it('raises payment_thankyou, payment_declined and payment_refunded through the API and control calls', async () => {
    await configure();
    const customerId = await newCustomer();
    const sub = (await h.api('POST', '/subscriptions', { body: subscriptionInput(customerId) })).body[
      'subscription'
    ] as { child_invoice_id: string };
    const app = h.emulator.server.app;
    const declined = await app.inject({
      method: 'POST',
      url: '/__sandbox/payments/decline',
      payload: { invoice_id: sub.child_invoice_id, reason: 'Insufficient funds' },
    });
    expect(declined.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/__sandbox/payments/decline', payload: { invoice_id: '1' } }))
        .statusCode,
    ).toBe(404);
    const payment = (
      await h.api('POST', '/payments', {
        body: {
          customer_id: customerId,
          payment_mode: 'creditcard',
          amount: 29,
          reference_number: 'bt-1',
          invoices: [{ invoice_id: sub.child_invoice_id, amount_applied: 29 }],
        },
      })
    ).body['payment'] as { payment_id: string };
    const refund = await app.inject({
      method: 'POST',
      url: '/__sandbox/payments/refund',
      payload: { payment_id: payment.payment_id, amount: 10 },
    });
    expect(refund.json()).toEqual({ payment_id: payment.payment_id, amount_refunded: 10 });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/__sandbox/payments/refund',
          payload: { payment_id: payment.payment_id, amount: 100 },
        })
      ).statusCode,
    ).toBe(400);
    await h.emulator.server.webhooks.settle();
    const byType = Object.fromEntries(receiver.received.map((r) => [r.body.event_type, r.body.data]));
    expect(byType['payment_declined']['payment']).toMatchObject({ status: 'failure' });
    expect(byType['payment_declined']['invoice']).toMatchObject({
      invoice_id: sub.child_invoice_id,
      balance: 29,
    });
    expect(byType['payment_thankyou']['payment']).toMatchObject({
      payment_id: payment.payment_id,
      reference_number: 'bt-1',
    });
    expect(byType['payment_refunded']['payment']).toMatchObject({ amount_refunded: 10 });
  });

  it('sends no signature header when no secret is configured, and nothing when no URL is', async () => {
    h.emulator.configureWebhooks({ url: receiver.url });
    await newCustomer().then((id) => h.api('POST', '/subscriptions', { body: subscriptionInput(id) }));
    await h.emulator.server.webhooks.settle();
    expect(receiver.received[0].headers['x-zoho-webhook-signature']).toBeUndefined();
    h.emulator.configureWebhooks({});
    await newCustomer().then((id) => h.api('POST', '/subscriptions', { body: subscriptionInput(id) }));
    await h.emulator.server.webhooks.settle();
    expect(receiver.received).toHaveLength(2);
    const bad = await h.emulator.server.app.inject({
      method: 'PUT',
      url: '/__sandbox/webhooks',
      payload: { url: 'not a url' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
