import { WebhookPayloadError } from '@aia/platform';
import {
  BraintreeEmulator,
  BraintreeTest,
  createBraintreeEmulator,
  gatewayFor,
} from '@aia/sandbox-braintree';
import type * as braintree from 'braintree';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BRAINTREE_TRANSACTION_KINDS, parseBraintreeWebhook } from './braintree-webhook.payload';
import { summarizeNotification } from './braintree-webhook.summary';

const caught = (fn: () => unknown): WebhookPayloadError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookPayloadError);
    return err as WebhookPayloadError;
  }
  throw new Error('expected a WebhookPayloadError');
};

describe('parseBraintreeWebhook', () => {
  let emulator: BraintreeEmulator;
  let receiver: Server;
  const bodies: string[] = [];
  /**
   * What BraintreeWebhookGuard stores for each notification (the summary, as read back from the inbox): the
   * emulator's deliveries (check, disputes), then the SDK's own samples of the ACH/SEPA settlement kinds, which
   * the emulator does not send for cards (`webhookTesting.sampleNotification`).
   */
  let stored: Array<Record<string, unknown>>;
  let disputed: braintree.Transaction;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    emulator = createBraintreeEmulator({ settlementDelayMs: 1000, webhookBaseDelayMs: 10 });
    const url = (await emulator.listen(0)).url;
    emulator.state.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const gateway = gatewayFor(url);
    const control = (path: string, body?: unknown) =>
      fetch(`${url}/__sandbox${path}`, {
        method: 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const charge = async (amount: string, orderId: string) =>
      (
        (await gateway.transaction.sale({
          amount,
          orderId,
          paymentMethodNonce: BraintreeTest.Nonces.Transactable,
          options: { submitForSettlement: true },
        })) as braintree.ValidatedResponse<braintree.Transaction> & { transaction: braintree.Transaction }
      ).transaction;

    await control('/webhooks/check');
    disputed = await charge('25.00', 'inv_disputed');
    const dispute = (await (
      await control('/disputes', { transactionId: disputed.id, reason: 'fraud' })
    ).json()) as {
      id: string;
    };
    await control(`/disputes/${dispute.id}/win`);
    await emulator.server.webhooks.settle();
    const signed = bodies.map((body) => {
      const form = new URLSearchParams(body);
      return {
        bt_signature: form.get('bt_signature') as string,
        bt_payload: form.get('bt_payload') as string,
      };
    });
    for (const kind of ['transaction_settled', 'transaction_settlement_declined'] as const) {
      signed.push(await gateway.webhookTesting.sampleNotification(kind, `ach_${kind}`));
    }
    stored = await Promise.all(
      signed.map(async ({ bt_signature, bt_payload }) => {
        const notification = await gateway.webhookNotification.parse(bt_signature, bt_payload);
        return JSON.parse(JSON.stringify(summarizeNotification(notification))) as Record<string, unknown>;
      }),
    );
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((r) => receiver.close(r));
  });

  const ofKind = (kind: string) => stored.find((s) => s['kind'] === kind) as Record<string, unknown>;

  it("reads every notification: the emulator's deliveries and the SDK's settlement samples", () => {
    expect(stored.map((s) => parseBraintreeWebhook(s).kind)).toEqual([
      'check',
      'dispute_opened',
      'dispute_won',
      'transaction_settled',
      'transaction_settlement_declined',
    ]);
  });

  it('reads a dispute: id, amount, currency, status, the disputed charge and its orderId', () => {
    const opened = parseBraintreeWebhook(ofKind('dispute_opened'), 'dispute_opened');
    expect(opened).toEqual({
      kind: 'dispute_opened',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      dispute: {
        id: expect.any(String),
        status: 'open',
        amount: '25.00',
        currencyIsoCode: 'USD',
        kind: expect.any(String),
        reason: 'fraud',
        receivedDate: expect.any(String),
        replyByDate: expect.any(String),
        transactionId: disputed.id,
        transactionOrderId: 'inv_disputed',
        transactionAmount: '25.00',
      },
    });
    const won = parseBraintreeWebhook(ofKind('dispute_won'), ['dispute_won', 'dispute_lost']);
    expect(won.dispute).toMatchObject({ id: opened.dispute.id, status: 'won' });
  });

  it('reads a settlement outcome: the transaction with its status, amount and orderId', () => {
    const declined = parseBraintreeWebhook(
      ofKind('transaction_settlement_declined'),
      'transaction_settlement_declined',
    );
    expect(declined).toEqual({
      kind: 'transaction_settlement_declined',
      timestamp: expect.any(String),
      transaction: {
        id: 'ach_transaction_settlement_declined',
        status: 'settlement_declined',
        amount: '100',
        currencyIsoCode: 'USD',
        // The SDK's sample carries no orderId; ours carry the Zoho invoice id.
        orderId: undefined,
        type: 'sale',
        merchantAccountId: expect.any(String),
      },
    });
    const settled = parseBraintreeWebhook(ofKind('transaction_settled'), BRAINTREE_TRANSACTION_KINDS);
    expect(settled.transaction).toMatchObject({ id: 'ach_transaction_settled', status: 'settled' });
    const withOrder = JSON.parse(JSON.stringify(ofKind('transaction_settled'))) as {
      transaction: Record<string, unknown>;
    };
    withOrder.transaction['orderId'] = 'inv_9';
    expect(parseBraintreeWebhook(withOrder, 'transaction_settled').transaction.orderId).toBe('inv_9');
  });

  it('reads a dispute stored before the summary kept the orderId', () => {
    const old = JSON.parse(JSON.stringify(ofKind('dispute_opened'))) as { dispute: Record<string, unknown> };
    delete old.dispute['transactionOrderId'];
    expect(parseBraintreeWebhook(old, 'dispute_opened').dispute.transactionOrderId).toBeUndefined();
  });

  const disputeWith = (change: (s: Record<string, unknown>, d: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(ofKind('dispute_opened'))) as Record<string, unknown>;
    change(copy, copy['dispute'] as Record<string, unknown>);
    return copy;
  };
  const settlementWith = (change: (t: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(ofKind('transaction_settled'))) as Record<string, unknown>;
    change(copy['transaction'] as Record<string, unknown>);
    return copy;
  };

  it.each<[string, () => unknown, string]>([
    ['no payload', () => undefined, 'payload is not a JSON object (undefined)'],
    ['no kind', () => ({ timestamp: 'x' }), 'kind is missing'],
    [
      'a kind it does not read',
      () => ({ kind: 'subscription_charged_successfully', timestamp: 'x' }),
      'kind subscription_charged_successfully is not one parseBraintreeWebhook reads',
    ],
    ['a dispute kind without dispute', () => disputeWith((s) => (s['dispute'] = null)), 'dispute is missing'],
    ['a dispute without timestamp', () => disputeWith((s) => delete s['timestamp']), 'timestamp is missing'],
    ['a dispute without id', () => disputeWith((_s, d) => (d['id'] = '')), 'dispute.id is missing'],
    [
      'a dispute amount that is not an amount',
      () => disputeWith((_s, d) => (d['amount'] = 'lots')),
      'dispute.amount is not a decimal amount (string)',
    ],
    [
      'a dispute without its charge',
      () => disputeWith((_s, d) => (d['transactionId'] = null)),
      'dispute.transactionId is missing',
    ],
    [
      'a dispute currency that is not a string',
      () => disputeWith((_s, d) => (d['currencyIsoCode'] = ['USD'])),
      'dispute.currencyIsoCode is not a string (array)',
    ],
    [
      'a settlement without transaction',
      () => ({ kind: 'transaction_settled', timestamp: '2026-01-01T00:00:00Z', transaction: null }),
      'transaction is missing',
    ],
    [
      'a transaction without status',
      () => settlementWith((t) => delete t['status']),
      'transaction.status is missing',
    ],
    [
      'a transaction amount as an object',
      () => settlementWith((t) => (t['amount'] = { value: 1 })),
      'transaction.amount is not a decimal amount (object)',
    ],
  ])('refuses %s with a readable reason', (_label, payload, reason) => {
    expect(caught(() => parseBraintreeWebhook(payload())).reason).toBe(reason);
  });

  it('refuses an unexpected kind, and fails as a permanent 400 DomainError', () => {
    const error = caught(() => parseBraintreeWebhook(ofKind('dispute_won'), 'dispute_opened'));
    expect(error.reason).toBe('kind is dispute_won, expected dispute_opened');
    expect(error).toMatchObject({ code: 'bad_request', platform: 'braintree' });
    expect(error.message).toBe('braintree webhook payload: kind is dispute_won, expected dispute_opened');
  });
});
