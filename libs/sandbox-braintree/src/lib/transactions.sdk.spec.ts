import * as braintree from 'braintree';
import { BraintreeEmulator, createBraintreeEmulator } from './braintree-emulator';
import { BraintreeTest, gatewayFor } from './sdk-environment';

type SaleResult = braintree.ValidatedResponse<braintree.Transaction> & { transaction: braintree.Transaction };

async function searchIds(
  gateway: braintree.BraintreeGateway,
  fn: braintree.TransactionSearchFn,
): Promise<string[]> {
  const ids: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const stream = gateway.transaction.search(fn);
    stream.on('data', (t: braintree.Transaction) => ids.push(t.id));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  return ids.sort();
}

describe('Braintree emulator — transactions (official SDK)', () => {
  let emulator: BraintreeEmulator;
  let gateway: braintree.BraintreeGateway;
  let url: string;

  beforeAll(async () => {
    emulator = createBraintreeEmulator({ settlementDelayMs: 60_000 });
    url = (await emulator.listen(0)).url;
    gateway = gatewayFor(url);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    emulator.server.reset();
    await gateway.customer.create({
      id: 'cust_1',
      paymentMethodNonce: BraintreeTest.Nonces.TransactableVisa,
    });
  });

  const sale = (over: Partial<braintree.TransactionRequest> = {}) =>
    gateway.transaction.sale({
      amount: '49.00',
      customerId: 'cust_1',
      orderId: 'inv_1',
      merchantAccountId: 'sandbox_usd',
      options: { submitForSettlement: true },
      ...over,
    }) as Promise<SaleResult>;

  const advance = (ms: number) =>
    fetch(`${url}/__sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms }),
    });

  it('charges the customer default card with orderId and merchant account', async () => {
    const r = await sale();
    expect(r.success).toBe(true);
    expect(r.transaction).toMatchObject({
      status: 'submitted_for_settlement',
      amount: '49.00',
      orderId: 'inv_1',
      merchantAccountId: 'sandbox_usd',
      currencyIsoCode: 'USD',
      processorResponseCode: '1000',
      processorResponseType: 'approved',
    });
    expect(r.transaction.customer.id).toBe('cust_1');
    expect(r.transaction.creditCard?.last4).toBe('1881');
    expect(r.transaction.statusHistory?.map((s) => s.status)).toEqual([
      'authorized',
      'submitted_for_settlement',
    ]);
    const eur = await sale({ orderId: 'inv_2', merchantAccountId: 'sandbox_eur' });
    expect(eur.transaction.currencyIsoCode).toBe('EUR');
  });

  it('charges by payment method token and by nonce; finds; unknown id is notFoundError', async () => {
    const customer = await gateway.customer.find('cust_1');
    const token = customer.creditCards?.[0].token as string;
    const byToken = await sale({ customerId: undefined, paymentMethodToken: token, orderId: 'inv_t' });
    expect(byToken.transaction.creditCard?.token).toBe(token);
    const byNonce = await sale({ customerId: undefined, paymentMethodNonce: 'fake-valid-discover-nonce' });
    expect(byNonce.transaction.creditCard?.cardType).toBe('Discover');
    const found = await gateway.transaction.find(byToken.transaction.id);
    expect(found.orderId).toBe('inv_t');
    await expect(gateway.transaction.find('nope123')).rejects.toMatchObject({ type: 'notFoundError' });
  });

  it.each([
    ['2000.00', '2000', 'Do Not Honor', 'soft_declined'],
    ['2001.00', '2001', 'Insufficient Funds', 'soft_declined'],
    ['2004.00', '2004', 'Expired Card', 'hard_declined'],
    ['2015.00', '2015', 'Transaction Not Allowed', 'hard_declined'],
  ])('declines amount %s with processor code %s', async (amount, code, text, type) => {
    const r = await sale({ amount });
    expect(r.success).toBe(false);
    expect(r.message).toBe(text);
    expect(r.transaction).toMatchObject({
      status: 'processor_declined',
      processorResponseCode: code,
      processorResponseText: text,
      processorResponseType: type,
    });
  });

  it('fails 3000.00 (processor network unavailable) and declines processor-declined nonces', async () => {
    const failed = await sale({ amount: '3000.00' });
    expect(failed.transaction).toMatchObject({ status: 'failed', processorResponseCode: '3000' });
    const declined = await sale({
      customerId: undefined,
      paymentMethodNonce: BraintreeTest.Nonces.ProcessorDeclinedMasterCard,
    });
    expect(declined.transaction).toMatchObject({
      status: 'processor_declined',
      processorResponseCode: '2000',
    });
  });

  it('gateway-rejects the fraud nonce and a duplicate within 30 s', async () => {
    const fraud = await sale({
      customerId: undefined,
      paymentMethodNonce: BraintreeTest.Nonces.GatewayRejectedFraud,
    });
    expect(fraud.success).toBe(false);
    expect(fraud.transaction).toMatchObject({ status: 'gateway_rejected', gatewayRejectionReason: 'fraud' });
    expect(fraud.message).toBe('Gateway Rejected: fraud');

    expect((await sale()).success).toBe(true);
    const dup = await sale();
    expect(dup.transaction).toMatchObject({
      status: 'gateway_rejected',
      gatewayRejectionReason: 'duplicate',
    });
    expect((await sale({ orderId: 'inv_other' })).success).toBe(true);
    await advance(31_000);
    expect((await sale()).success).toBe(true);
  });

  it('answers validation errors nested under transaction', async () => {
    const badAmount = await sale({ amount: 'ten' });
    expect(badAmount.success).toBe(false);
    expect(badAmount.errors.for('transaction').on('amount')).toEqual([
      expect.objectContaining({ code: '81503', attribute: 'amount' }),
    ]);
    const unknownNonce = await sale({ customerId: undefined, paymentMethodNonce: 'nope' });
    expect(unknownNonce.errors.deepErrors()[0].code).toBe('91565');
    const consumed = await sale({ customerId: undefined, paymentMethodNonce: BraintreeTest.Nonces.Consumed });
    expect(consumed.errors.deepErrors()[0].code).toBe('91564');
    const badAccount = await sale({ merchantAccountId: 'nope' });
    expect(badAccount.errors.deepErrors()[0].code).toBe('91513');
    const noCustomer = await sale({ customerId: 'ghost' });
    expect(noCustomer.errors.deepErrors()[0].code).toBe('91510');
  });

  it('searches by order id, status, customer id and created-at range (two-step search)', async () => {
    const a = (await sale({ orderId: 'inv_a' })).transaction.id;
    const b = (await sale({ orderId: 'inv_b', amount: '12.00' })).transaction.id;
    const declined = (await sale({ orderId: 'inv_a', amount: '2001.00' })).transaction.id;
    expect(await searchIds(gateway, (s) => s.orderId().is('inv_a'))).toEqual([a, declined].sort());
    expect(await searchIds(gateway, (s) => s.status().in(['processor_declined']))).toEqual([declined]);
    expect(await searchIds(gateway, (s) => s.customerId().is('cust_1'))).toEqual([a, b, declined].sort());
    const now = new Date();
    const range = await searchIds(gateway, (s) =>
      s.createdAt().between(new Date(now.getTime() - 60_000), new Date(now.getTime() + 60_000)),
    );
    expect(range).toHaveLength(3);
    expect(await searchIds(gateway, (s) => s.createdAt().max(new Date(now.getTime() - 60_000)))).toEqual([]);
    expect(await searchIds(gateway, (s) => s.orderId().is('none'))).toEqual([]);
  });

  it('settles as the sandbox clock advances, with status history; voids and refunds', async () => {
    const t = (await sale()).transaction;
    await advance(60_000);
    expect((await gateway.transaction.find(t.id)).status).toBe('settling');
    await advance(60_000);
    const settled = await gateway.transaction.find(t.id);
    expect(settled.status).toBe('settled');
    expect(settled.statusHistory?.map((s) => s.status)).toEqual([
      'authorized',
      'submitted_for_settlement',
      'settling',
      'settled',
    ]);
    const cannotVoid = await gateway.transaction.void(t.id);
    expect(cannotVoid.success).toBe(false);
    expect(cannotVoid.errors.deepErrors()[0].code).toBe('91504');

    const partial = await gateway.transaction.refund(t.id, '9.00');
    expect(partial.success).toBe(true);
    expect(partial.transaction).toMatchObject({
      type: 'credit',
      amount: '9.00',
      refundedTransactionId: t.id,
    });
    const tooMuch = await gateway.transaction.refund(t.id, '41.00');
    expect(tooMuch.errors.deepErrors()[0].code).toBe('91521');
    const rest = await gateway.transaction.refund(t.id);
    expect(rest.transaction.amount).toBe('40.00');
    const again = await gateway.transaction.refund(t.id);
    expect(again.errors.deepErrors()[0].code).toBe('91512');
    expect((await gateway.transaction.find(t.id)).refundIds).toHaveLength(2);

    const fresh = (await sale({ orderId: 'inv_void' })).transaction;
    const notSettled = await gateway.transaction.refund(fresh.id);
    expect(notSettled.errors.deepErrors()[0].code).toBe('91506');
    const voided = await gateway.transaction.void(fresh.id);
    expect(voided.transaction.status).toBe('voided');
  });

  it('submits an authorized sale for settlement, for a smaller amount if asked', async () => {
    const auth = (await sale({ options: { submitForSettlement: false } })).transaction;
    expect(auth.status).toBe('authorized');
    const tooMuch = await gateway.transaction.submitForSettlement(auth.id, '50.00');
    expect(tooMuch.errors.deepErrors()[0].code).toBe('91522');
    const captured = await gateway.transaction.submitForSettlement(auth.id, '40.00');
    expect(captured.transaction).toMatchObject({ status: 'submitted_for_settlement', amount: '40.00' });
    const again = await gateway.transaction.submitForSettlement(auth.id);
    expect(again.errors.deepErrors()[0].code).toBe('91507');
  });

  it('supports the SDK testing gateway (settle, settlementDecline)', async () => {
    const t = (await sale()).transaction;
    await gateway.testing.settle(t.id);
    expect((await gateway.transaction.find(t.id)).status).toBe('settled');
    const u = (await sale({ orderId: 'inv_2' })).transaction;
    await gateway.testing.settlementDecline(u.id);
    expect((await gateway.transaction.find(u.id)).status).toBe('settlement_declined');
  });

  it('maps injected faults to the SDK error classes', async () => {
    const put = (body: unknown) =>
      fetch(`${url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await put({ errorRate: 1, errorStatus: 503, maxFaults: 1 });
    await expect(sale()).rejects.toMatchObject({ type: 'serviceUnavailableError' });
    await put({ errorRate: 1, errorStatus: 500, maxFaults: 1 });
    await expect(gateway.transaction.find('x')).rejects.toMatchObject({ type: 'serverError' });
    await put({ rateLimitRate: 1, maxFaults: 1 });
    await expect(gateway.customer.find('cust_1')).rejects.toMatchObject({ type: 'tooManyRequestsError' });
    expect((await gateway.customer.find('cust_1')).id).toBe('cust_1');
  });

  it('holds back the answer of a hung request after processing it (ambiguous timeout)', async () => {
    await fetch(`${url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hangRate: 1, hangMs: 400, maxFaults: 1, pathIncludes: '/transactions' }),
    });
    const started = Date.now();
    const pending = sale({ orderId: 'inv_hang' });
    await new Promise((r) => setTimeout(r, 100));
    expect(emulator.state.transactionsForOrder('inv_hang')).toHaveLength(1);
    const r = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(r.success).toBe(true);
  });
});
