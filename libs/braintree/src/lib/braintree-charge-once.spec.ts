import { AppConfig, MetricsModule, UpstreamError, UpstreamPolicyConfig } from '@aia/platform';
import {
  BraintreeEmulator,
  BraintreeTest,
  createBraintreeEmulator,
  SaleFaultsConfig,
  TransactionRecord,
} from '@aia/sandbox-braintree';
import { Test, TestingModule } from '@nestjs/testing';
import { ChargeInput, ChargeSearchConfig } from './braintree-charge';
import { BraintreeCustomersService } from './braintree-customers.service';
import { BraintreeTransactionsService } from './braintree-transactions.service';
import { BraintreeModule } from './braintree.module';
import { BRAINTREE_GATEWAY, BRAINTREE_MODULE_OPTIONS, BRAINTREE_UPSTREAM_POLICY } from './braintree.tokens';

/**
 * "Exactly once" charges through the real SDK against the emulator's money-path faults (late answer, late
 * processing, search lag). Braintree's duplicate checking is turned OFF in the emulator, as a merchant may
 * do, so nothing but the service's own look-ups stands between a retry and a second charge.
 *
 * Timing used here (small versions of the production values):
 * - each attempt times out after 300 ms (policy), the SDK socket after 1 300 ms;
 * - a look-up that finds nothing searches again every 100 ms until 1 500 ms have passed (`searchLagMs`).
 *
 * What guarantees a single charge: a look-up started at time L keeps searching until L + searchLagMs, so it
 * sees every sale that becomes visible to search by then — i.e. processed at P with search lag G where
 * P + G <= L + searchLagMs. A late answer (P before the timeout) is covered whenever G <= searchLagMs; late
 * processing needs (P - L) + G <= searchLagMs. For an arbitrary lag or processing delay it CANNOT be
 * guaranteed (no idempotency key exists); the last test shows the failure mode past the window and that the
 * next look-up reports the double charge (`duplicates`) instead of hiding it.
 */
jest.setTimeout(20_000);

const SEARCH: ChargeSearchConfig = { searchLagMs: 1_500, searchRetryMs: 100 };
const POLICY: Partial<UpstreamPolicyConfig> = { timeoutMs: 300, baseDelayMs: 5, maxDelayMs: 10 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chargeOnce against emulator faults', () => {
  let emulator: BraintreeEmulator;
  let url: string;
  const modules: TestingModule[] = [];

  const config = (gatewayUrl: string): AppConfig['braintree'] => ({
    environment: 'emulator',
    gatewayUrl,
    merchantId: 'sandbox_merchant',
    publicKey: 'sandbox_public_key',
    privateKey: 'sandbox_private_key',
    merchantAccounts: { USD: 'sandbox_usd' },
  });

  /** A fresh process: its own gateway, policy (breaker, attempts) and service. */
  async function startModule(policy: Partial<UpstreamPolicyConfig> = {}): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot(),
        BraintreeModule.forRootAsync({
          useFactory: () => ({ braintree: config(url), policy: { ...POLICY, ...policy } }),
        }),
      ],
    })
      .overrideProvider(BraintreeTransactionsService)
      .useFactory({
        inject: [BRAINTREE_GATEWAY, BRAINTREE_UPSTREAM_POLICY, BRAINTREE_MODULE_OPTIONS],
        factory: (...deps: ConstructorParameters<typeof BraintreeTransactionsService>) =>
          new BraintreeTransactionsService(deps[0], deps[1], deps[2], SEARCH),
      })
      .compile();
    modules.push(moduleRef);
    return moduleRef;
  }
  const start = async (policy: Partial<UpstreamPolicyConfig> = {}) =>
    (await startModule(policy)).get(BraintreeTransactionsService);

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const saleFaults = (c: SaleFaultsConfig) => control('PUT', '/sale-faults', c);

  /** Waits until no sale is held by a fault, then reads the emulator's truth for the order (control route). */
  async function successfulSales(orderId: string): Promise<TransactionRecord[]> {
    for (let i = 0; i < 100 && (await control('GET', '/sale-faults'))['held'] !== 0; i++) await sleep(50);
    const all = (await control('GET', `/transactions?orderId=${orderId}`))[
      'transactions'
    ] as TransactionRecord[];
    return all.filter(
      (t) =>
        t.type === 'sale' &&
        ['authorized', 'submitted_for_settlement', 'settling', 'settled'].includes(t.status),
    );
  }

  const input = (orderId: string): ChargeInput => ({
    orderId,
    amount: '49.00',
    currencyIsoCode: 'USD',
    customerId: 'rec_c',
  });

  beforeAll(async () => {
    emulator = createBraintreeEmulator();
    url = (await emulator.listen(0)).url;
  });
  afterAll(async () => {
    for (const m of modules) await m.close();
    await emulator.close();
  });
  beforeEach(async () => {
    emulator.server.reset();
    await control('PUT', '/duplicate-checking', { enabled: false });
    await (await startModule()).get(BraintreeCustomersService).create({
      id: 'rec_c',
      paymentMethodNonce: BraintreeTest.Nonces.TransactableVisa,
    });
  });

  describe.each<[string, SaleFaultsConfig]>([
    // Processed at once, answered after the client's 300 ms timeout: the in-call check finds it at once.
    ['late answer', { lateAnswer: { delayMs: 800, next: 1 } }],
    // Nothing for 600 ms, then processed: the in-call check (from ~305 ms to ~1 805 ms) finds it at ~600 ms.
    ['late processing', { lateProcessing: { delayMs: 600, next: 1 } }],
    // Answered at once but invisible to search for 500 ms: the retry's look-up must search again to see it.
    ['search lag', { searchLag: { delayMs: 500, next: 1 } }],
    // Visible to search only ~800 ms after it was sent: inside the in-call window (P - L + G ≈ 500 ms).
    [
      'late processing + search lag',
      { lateProcessing: { delayMs: 400, next: 1 }, searchLag: { delayMs: 400, next: 1 } },
    ],
  ])('%s', (_name, faults) => {
    it('charge, job retry (firstAttempt: false), restart → one successful sale', async () => {
      const orderId = `inv_${_name.replace(/\W+/g, '_')}`;
      await saleFaults(faults);
      const sameProcess = await start();
      const first = await sameProcess.chargeOnce(input(orderId), { firstAttempt: true });
      if (first.outcome !== 'approved') throw new Error(`expected approved, got ${first.outcome}`);
      expect(first.value.duplicates).toEqual([]);

      const retried = await sameProcess.chargeOnce(input(orderId), { firstAttempt: false });
      expect(retried).toMatchObject({
        outcome: 'approved',
        value: { id: first.value.id, alreadyExisted: true },
      });

      const restarted = await (await start()).chargeOnce(input(orderId), { firstAttempt: false });
      expect(restarted).toMatchObject({
        outcome: 'approved',
        value: { id: first.value.id, alreadyExisted: true },
      });

      const sales = await successfulSales(orderId);
      expect(sales.map((t) => t.id)).toEqual([first.value.id]);
    });

    it('the whole call gives up (1 attempt); the job retry finds the sale instead of charging again', async () => {
      const orderId = `inv_gu_${_name.replace(/\W+/g, '_')}`;
      await saleFaults(faults);
      const impatient = await start({ maxAttempts: 1 });
      const first = await impatient
        .chargeOnce(input(orderId), { firstAttempt: true })
        .catch((e: unknown) => e);
      // Search lag alone gives a prompt answer; the other faults time the single attempt out.
      if (!('searchLag' in faults && Object.keys(faults).length === 1)) {
        expect(first).toBeInstanceOf(UpstreamError);
        expect(first).toMatchObject({ kind: 'unavailable', temporary: true });
      }

      const retried = await (await start()).chargeOnce(input(orderId), { firstAttempt: false });
      if (retried.outcome !== 'approved') throw new Error(`expected approved, got ${retried.outcome}`);
      expect(retried.value).toMatchObject({ alreadyExisted: true, duplicates: [] });
      const again = await (await start()).chargeOnce(input(orderId), { firstAttempt: false });
      expect(again).toMatchObject({ outcome: 'approved', value: { id: retried.value.id } });

      expect((await successfulSales(orderId)).map((t) => t.id)).toEqual([retried.value.id]);
    });
  });

  it('restart while the sale is still in flight: the new process waits it out instead of charging again', async () => {
    await saleFaults({ lateProcessing: { delayMs: 600, next: 1 }, searchLag: { delayMs: 200, next: 1 } });
    // The old process sends and "dies": one attempt, its outcome ignored (it cannot re-send).
    const dying = (await start({ maxAttempts: 1 })).chargeOnce(input('inv_crash'), { firstAttempt: true });
    void dying.catch(() => undefined);
    await sleep(50);
    // The new process looks from ~50 ms to ~1 550 ms; the sale is processed at 600 ms, searchable at 800 ms.
    const r = await (await start()).chargeOnce(input('inv_crash'), { firstAttempt: false });
    expect(r).toMatchObject({ outcome: 'approved', value: { alreadyExisted: true, duplicates: [] } });
    expect(await successfulSales('inv_crash')).toHaveLength(1);
  });

  it('a repeat without any fault returns the existing charge; firstAttempt: true skips the look-up', async () => {
    const svc = await start();
    const a = await svc.chargeOnce(input('inv_plain'), { firstAttempt: true });
    const b = await svc.chargeOnce(input('inv_plain'), { firstAttempt: false });
    if (a.outcome !== 'approved' || b.outcome !== 'approved') throw new Error('expected approvals');
    expect(b.value).toMatchObject({ id: a.value.id, alreadyExisted: true });
    expect(a.value.alreadyExisted).toBe(false);
    // Only a provably first send may skip the look-up: claiming it falsely charges twice (duplicate checking is off).
    await svc.chargeOnce(input('inv_plain'), { firstAttempt: true });
    expect(await successfulSales('inv_plain')).toHaveLength(2);
  });

  it('a declined earlier attempt is not an effect: the retry charges', async () => {
    const svc = await start();
    const declined = await svc.chargeOnce(
      { ...input('inv_decl'), amount: '2001.00' },
      { firstAttempt: true },
    );
    expect(declined).toMatchObject({ outcome: 'declined', processorResponseCode: '2001' });
    const retry = await svc.chargeOnce(input('inv_decl'), { firstAttempt: false });
    expect(retry).toMatchObject({ outcome: 'approved', value: { alreadyExisted: false } });
    expect(await successfulSales('inv_decl')).toHaveLength(1);
  });

  it('past the window the guarantee ends: a second charge happens and the next look-up reports it', async () => {
    // Processed 3 000 ms after it was sent; the retry looks from ~300 ms to ~1 800 ms and finds nothing.
    await saleFaults({ lateProcessing: { delayMs: 3_000, next: 1 } });
    const first = await (
      await start({ maxAttempts: 1 })
    )
      .chargeOnce(input('inv_late'), { firstAttempt: true })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(UpstreamError);
    const retry = await (await start()).chargeOnce(input('inv_late'), { firstAttempt: false });
    expect(retry).toMatchObject({ outcome: 'approved', value: { alreadyExisted: false } });
    const sales = await successfulSales('inv_late');
    expect(sales).toHaveLength(2);

    const audit = await (await start()).chargeOnce(input('inv_late'), { firstAttempt: false });
    if (audit.outcome !== 'approved' || retry.outcome !== 'approved') throw new Error('expected approvals');
    // The oldest sale is the answer, the other is reported for an operator (never refunded automatically).
    // createdAt has one-second precision (as Braintree's), so two sales in the same second tie (broken by id).
    const ids = sales.map((t) => t.id);
    expect(ids).toContain(audit.value.id);
    expect(audit.value.duplicates.map((t) => t.id)).toEqual(ids.filter((id) => id !== audit.value.id));
  });
});
