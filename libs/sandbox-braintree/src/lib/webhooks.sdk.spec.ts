import * as braintree from 'braintree';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BraintreeEmulator, createBraintreeEmulator } from './braintree-emulator';
import { BraintreeTest, gatewayFor } from './sdk-environment';

interface Received {
  bt_signature: string;
  bt_payload: string;
}

/** A local receiver standing in for the API's webhook endpoint. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      received.push({
        bt_signature: form.get('bt_signature') ?? '',
        bt_payload: form.get('bt_payload') ?? '',
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/braintree`,
    received,
  };
}

describe('Braintree emulator — disputes and webhooks parsed by the official SDK', () => {
  let emulator: BraintreeEmulator;
  let gateway: braintree.BraintreeGateway;
  let url: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    receiver = await startReceiver();
    emulator = createBraintreeEmulator({ settlementDelayMs: 1000, webhookBaseDelayMs: 10 });
    url = (await emulator.listen(0)).url;
    gateway = gatewayFor(url);
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((r) => receiver.server.close(r));
  });
  beforeEach(async () => {
    emulator.server.reset();
    receiver.received.length = 0;
    await control('PUT', '/webhooks', { url: receiver.url });
  });

  // The SDK's WebhookNotification union in @types/braintree does not cover every kind; read what it parses.
  type Parsed = {
    kind: string;
    timestamp: string;
    dispute?: braintree.Dispute;
    transaction?: braintree.Transaction;
  };
  const parseAll = (): Promise<Parsed[]> =>
    Promise.all(
      receiver.received.map(
        (r) => gateway.webhookNotification.parse(r.bt_signature, r.bt_payload) as unknown as Promise<Parsed>,
      ),
    );

  const charge = async (orderId: string, amount = '25.00') => {
    const r = (await gateway.transaction.sale({
      amount,
      orderId,
      paymentMethodNonce: BraintreeTest.Nonces.Transactable,
      options: { submitForSettlement: true },
    })) as braintree.ValidatedResponse<braintree.Transaction> & { transaction: braintree.Transaction };
    return r.transaction;
  };

  it('delivers a signed check notification', async () => {
    expect((await control('POST', '/webhooks/check')).status).toBe(200);
    await emulator.server.webhooks.settle();
    const [n] = await parseAll();
    expect(n.kind).toBe('check');
    expect(n.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('opens a dispute by control call, then wins and loses disputes, each delivered as a webhook', async () => {
    const t = await charge('inv_d1');
    const opened = await control('POST', '/disputes', { transactionId: t.id, reason: 'fraud' });
    expect(opened.status).toBe(201);
    const dispute = (await opened.json()) as { id: string };
    expect((await control('POST', `/disputes/${dispute.id}/win`)).status).toBe(200);
    expect((await control('POST', `/disputes/${dispute.id}/lose`)).status).toBe(409);
    const t2 = await charge('inv_d2', '26.00');
    const second = (await (
      await control('POST', '/disputes', { transactionId: t2.id, amount: '10.00' })
    ).json()) as {
      id: string;
    };
    await control('POST', `/disputes/${second.id}/lose`);
    await emulator.server.webhooks.settle();

    const notifications = await parseAll();
    expect(notifications.map((n) => n.kind)).toEqual([
      'dispute_opened',
      'dispute_won',
      'dispute_opened',
      'dispute_lost',
    ]);
    const [openedN, won, , lost] = notifications;
    expect(openedN.dispute).toMatchObject({
      id: dispute.id,
      status: 'open',
      amount: '25.00',
      reason: 'fraud',
    });
    expect(openedN.dispute?.transaction.id).toBe(t.id);
    expect(won.dispute?.status).toBe('won');
    expect(lost.dispute).toMatchObject({ id: second.id, status: 'lost', amount: '10.00' });
    const found = await gateway.transaction.find(t.id);
    expect(found.disputes?.map((d) => d.id)).toEqual([dispute.id]);
    expect((await control('POST', '/disputes', { transactionId: 'nope' })).status).toBe(404);
  });

  it('opens a dispute automatically for the chargeback test card', async () => {
    const tok = (await (
      await control('POST', '/tokenize', {
        number: BraintreeTest.CreditCardNumbers.Dispute.Chargeback,
        expirationDate: '12/2031',
        cvv: '123',
      })
    ).json()) as { nonce: string };
    await gateway.transaction.sale({ amount: '30.00', paymentMethodNonce: tok.nonce });
    await emulator.server.webhooks.settle();
    expect((await parseAll()).map((n) => n.kind)).toEqual(['dispute_opened']);
  });

  it('sends no settlement webhook for card transactions (ACH/SEPA only); settlement is seen by find and search', async () => {
    // https://developer.paypal.com/braintree/docs/reference/general/webhooks/transaction — PLATFORMS.md §5.
    const ok = await charge('inv_ok', '25.00');
    const declined = await charge('inv_sd', '4001.00');
    await control('POST', '/clock/advance', { ms: 2000 });
    const viaTesting = await charge('inv_t', '27.00');
    await gateway.testing.settlementDecline(viaTesting.id);
    await emulator.server.webhooks.settle();
    expect(receiver.received).toEqual([]);
    expect((await gateway.transaction.find(ok.id)).status).toBe('settled');
    expect(await gateway.transaction.find(declined.id)).toMatchObject({
      status: 'settlement_declined',
      processorSettlementResponseCode: '4001',
      processorSettlementResponseText: 'Settlement Declined',
    });
    const settledIds: string[] = await new Promise((resolve, reject) => {
      const ids: string[] = [];
      const stream = gateway.transaction.search((s) => s.status().in(['settled', 'settlement_declined']));
      stream.on('data', (t: braintree.Transaction) => ids.push(t.id));
      stream.on('end', () => resolve(ids.sort()));
      stream.on('error', reject);
    });
    expect(settledIds).toEqual([ok.id, declined.id, viaTesting.id].sort());
  });

  it('signs so that a tampered payload or another key pair is rejected by the SDK', async () => {
    await control('POST', '/webhooks/check');
    await emulator.server.webhooks.settle();
    const [r] = receiver.received;
    const tampered = Buffer.from(
      Buffer.from(r.bt_payload, 'base64').toString().replace('check', 'dispute_won'),
    ).toString('base64');
    await expect(gateway.webhookNotification.parse(r.bt_signature, tampered)).rejects.toMatchObject({
      type: 'invalidSignatureError',
    });
    const other = gatewayFor(url, {
      merchantId: 'sandbox_merchant',
      publicKey: 'other_key',
      privateKey: 'other_private',
    });
    await expect(other.webhookNotification.parse(r.bt_signature, r.bt_payload)).rejects.toMatchObject({
      type: 'invalidSignatureError',
    });
  });
});
