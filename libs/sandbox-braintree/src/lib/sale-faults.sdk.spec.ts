import * as braintree from 'braintree';
import { BraintreeEmulator, createBraintreeEmulator } from './braintree-emulator';
import { parseSaleFaults, SaleFaults } from './sale-faults';
import { BraintreeTest, gatewayFor } from './sdk-environment';

type SaleResult = braintree.ValidatedResponse<braintree.Transaction> & { transaction: braintree.Transaction };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Braintree emulator — money-path faults of transaction.sale (official SDK)', () => {
  let emulator: BraintreeEmulator;
  let gateway: braintree.BraintreeGateway;
  let url: string;

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const saleFaults = (body: unknown) => control('PUT', '/sale-faults', body);
  /** The emulator's truth (control route), never lagged. */
  const stored = async (orderId: string) =>
    (await control('GET', `/transactions?orderId=${orderId}`)).json['transactions'] as Array<{
      id: string;
      status: string;
    }>;
  const searchOrder = (orderId: string, gw = gateway): Promise<braintree.Transaction[]> =>
    new Promise((resolve, reject) => {
      const found: braintree.Transaction[] = [];
      const stream = gw.transaction.search((s) => s.orderId().is(orderId));
      stream.on('data', (t: braintree.Transaction) => found.push(t));
      stream.on('end', () => resolve(found));
      stream.on('error', reject);
    });
  const sale = (orderId: string, gw = gateway, amount = '49.00') =>
    gw.transaction.sale({
      amount,
      customerId: 'cust_1',
      orderId,
      options: { submitForSettlement: true },
    }) as Promise<SaleResult>;

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

  it('late answer: the sale exists (find and search) while its answer is held back, then the SDK parses it', async () => {
    await saleFaults({ lateAnswer: { delayMs: 400, next: 1 } });
    const started = Date.now();
    const pending = sale('inv_la');
    await sleep(100);
    const [held] = await stored('inv_la');
    expect(held.status).toBe('submitted_for_settlement');
    expect((await gateway.transaction.find(held.id)).orderId).toBe('inv_la');
    expect((await searchOrder('inv_la')).map((t) => t.id)).toEqual([held.id]);
    const r = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(r.success).toBe(true);
    expect(r.transaction.id).toBe(held.id);
    // next: 1 — the following sale is answered at once.
    const quick = Date.now();
    expect((await sale('inv_la_2')).success).toBe(true);
    expect(Date.now() - quick).toBeLessThan(300);
    expect((await control('GET', '/sale-faults')).json).toMatchObject({ hits: { lateAnswer: 1 }, held: 0 });
  });

  it('late processing: a client that gives up sees nothing at first; the sale is processed afterwards', async () => {
    await saleFaults({ lateProcessing: { delayMs: 600, next: 1 } });
    const impatient = gatewayFor(url);
    (impatient.config as { timeout: number }).timeout = 150;
    await expect(sale('inv_lp', impatient)).rejects.toMatchObject({
      type: 'unexpectedError',
      message: 'Request timed out',
    });
    // Right after the timeout: no transaction, search empty.
    expect(await stored('inv_lp')).toEqual([]);
    expect(await searchOrder('inv_lp')).toEqual([]);
    expect((await control('GET', '/sale-faults')).json).toMatchObject({ held: 1 });
    await sleep(600);
    const after = await stored('inv_lp');
    expect(after).toHaveLength(1);
    expect(after[0].status).toBe('submitted_for_settlement');
    expect((await searchOrder('inv_lp')).map((t) => t.id)).toEqual([after[0].id]);
  });

  it('late processing: a patient client gets the answer once the sale is processed', async () => {
    await saleFaults({ lateProcessing: { delayMs: 300 } });
    const started = Date.now();
    const r = await sale('inv_lp_wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(r.success).toBe(true);
    expect(Date.parse(r.transaction.createdAt)).toBeGreaterThanOrEqual(started + 250);
  });

  it('search lag: search leaves the sale out until it is delayMs old; find never lags', async () => {
    await saleFaults({ searchLag: { delayMs: 60_000 } });
    const r = await sale('inv_sl');
    expect(r.success).toBe(true);
    expect(await searchOrder('inv_sl')).toEqual([]);
    expect((await gateway.transaction.find(r.transaction.id)).id).toBe(r.transaction.id);
    expect(await stored('inv_sl')).toHaveLength(1);
    await control('POST', '/clock/advance', { ms: 59_000 });
    expect(await searchOrder('inv_sl')).toEqual([]);
    await control('POST', '/clock/advance', { ms: 1_000 });
    expect((await searchOrder('inv_sl')).map((t) => t.id)).toEqual([r.transaction.id]);
  });

  it('search lag with real time: visible after delayMs without touching the clock', async () => {
    await saleFaults({ searchLag: { delayMs: 300, next: 1 } });
    const lagged = (await sale('inv_sl_rt')).transaction.id;
    const prompt = (await sale('inv_sl_rt', gateway, '50.00')).transaction.id;
    expect((await searchOrder('inv_sl_rt')).map((t) => t.id)).toEqual([prompt]);
    await sleep(320);
    expect((await searchOrder('inv_sl_rt')).map((t) => t.id).sort()).toEqual([lagged, prompt].sort());
  });

  it('late processing + search lag: invisible until processing delay + lag', async () => {
    await saleFaults({ lateProcessing: { delayMs: 200, next: 1 }, searchLag: { delayMs: 300, next: 1 } });
    const r = await sale('inv_both');
    expect(r.success).toBe(true);
    expect(await searchOrder('inv_both')).toEqual([]);
    await sleep(320);
    expect((await searchOrder('inv_both')).map((t) => t.id)).toEqual([r.transaction.id]);
  });

  it('next: N hits exactly the next N sales; rate draws from the seed', async () => {
    await saleFaults({ searchLag: { delayMs: 60_000, next: 2 } });
    for (const amount of ['1.00', '2.00', '3.00']) await sale('inv_n', gateway, amount);
    expect(await searchOrder('inv_n')).toHaveLength(1);
    expect((await control('GET', '/sale-faults')).json).toMatchObject({ hits: { searchLag: 2 } });

    // The same seed gives the same sequence of plans; rate 0 never hits.
    const draw = (seed: number) => {
      const f = new SaleFaults();
      f.configure({ searchLag: { delayMs: 5, rate: 0.5 }, lateAnswer: { delayMs: 7, rate: 0 }, seed });
      return Array.from({ length: 20 }, () => f.plan());
    };
    const a = draw(42);
    expect(draw(42)).toEqual(a);
    expect(a.some((p) => p.searchLagMs === 5)).toBe(true);
    expect(a.some((p) => p.searchLagMs === 0)).toBe(true);
    expect(a.every((p) => p.answerAfterMs === 0)).toBe(true);
    expect(draw(7)).not.toEqual(a);
  });

  it('reset clears the faults and drops a sale still waiting to be processed (answered 503)', async () => {
    await saleFaults({ lateProcessing: { delayMs: 5_000 } });
    const pending = sale('inv_reset').catch((e: unknown) => e);
    await sleep(100);
    await control('POST', '/reset');
    expect(await pending).toMatchObject({ type: 'serviceUnavailableError' });
    expect((await control('GET', '/sale-faults')).json).toEqual({
      hits: { lateProcessing: 0, lateAnswer: 0, searchLag: 0 },
      held: 0,
    });
    await sleep(50);
    expect(await stored('inv_reset')).toEqual([]);
  });

  it('rejects a malformed fault configuration with 400', async () => {
    expect((await saleFaults({ lateAnswer: { delayMs: -1 } })).status).toBe(400);
    expect((await saleFaults({ lateAnswer: { delayMs: 10, rate: 2 } })).status).toBe(400);
    expect((await saleFaults({ searchLag: { delayMs: 10, next: 1.5 } })).status).toBe(400);
    expect((await saleFaults({ hang: { delayMs: 10 } })).status).toBe(400);
    expect(parseSaleFaults({ lateAnswer: { delayMs: 10, next: 3, rate: 0.5 }, seed: 9 })).toEqual({
      lateAnswer: { delayMs: 10, next: 3, rate: 0.5 },
      seed: 9,
    });
    const ok = await saleFaults({ lateAnswer: { delayMs: 10 } });
    expect(ok.status).toBe(200);
    expect((await control('DELETE', '/sale-faults')).json).toMatchObject({ held: 0 });
    expect((await control('GET', '/sale-faults')).json).not.toHaveProperty('lateAnswer');
  });

  it('duplicate checking can be turned off (as a merchant can), and reset turns it back on', async () => {
    expect((await control('GET', '/duplicate-checking')).json).toEqual({ enabled: true, windowMs: 30_000 });
    expect((await sale('inv_dup')).success).toBe(true);
    expect((await sale('inv_dup')).transaction.gatewayRejectionReason).toBe('duplicate');
    await control('PUT', '/duplicate-checking', { enabled: false });
    expect((await sale('inv_dup')).success).toBe(true);
    expect((await control('PUT', '/duplicate-checking', { enabled: 'no' })).status).toBe(400);
    await control('POST', '/reset');
    await gateway.customer.create({
      id: 'cust_1',
      paymentMethodNonce: BraintreeTest.Nonces.TransactableVisa,
    });
    expect((await control('GET', '/duplicate-checking')).json).toEqual({ enabled: true, windowMs: 30_000 });
  });
});
