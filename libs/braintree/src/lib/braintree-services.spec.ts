import { AppConfig, MetricsModule, PolicyRegistry, UpstreamError, UpstreamPolicyConfig } from '@aia/platform';
import { BraintreeEmulator, BraintreeTest, createBraintreeEmulator } from '@aia/sandbox-braintree';
import { Test, TestingModule } from '@nestjs/testing';
import { BraintreeClientTokenService } from './braintree-client-token.service';
import { BraintreeCustomersService } from './braintree-customers.service';
import { BraintreePaymentMethodsService } from './braintree-payment-methods.service';
import { BraintreeTransactionsService } from './braintree-transactions.service';
import { BraintreeModule } from './braintree.module';
import { BRAINTREE_GATEWAY, BRAINTREE_MODULE_OPTIONS, BRAINTREE_UPSTREAM_POLICY } from './braintree.tokens';

function braintreeConfig(url: string, over: Partial<AppConfig['braintree']> = {}): AppConfig['braintree'] {
  return {
    environment: 'emulator',
    gatewayUrl: url,
    merchantId: 'sandbox_merchant',
    publicKey: 'sandbox_public_key',
    privateKey: 'sandbox_private_key',
    merchantAccounts: { USD: 'sandbox_usd', EUR: 'sandbox_eur' },
    ...over,
  };
}

const FAST_POLICY: Partial<UpstreamPolicyConfig> = { timeoutMs: 2000, baseDelayMs: 5, maxDelayMs: 10 };

async function moduleFor(url: string, over: Partial<AppConfig['braintree']> = {}): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [
      MetricsModule.forRoot(),
      BraintreeModule.forRootAsync({
        useFactory: () => ({ braintree: braintreeConfig(url, over), policy: FAST_POLICY }),
      }),
    ],
  })
    .overrideProvider(BraintreeTransactionsService)
    .useFactory({
      inject: [BRAINTREE_GATEWAY, BRAINTREE_UPSTREAM_POLICY, BRAINTREE_MODULE_OPTIONS],
      // Search once more 50 ms after an empty look-up (default: for 10 s, every 2 s).
      factory: (...deps: ConstructorParameters<typeof BraintreeTransactionsService>) =>
        new BraintreeTransactionsService(deps[0], deps[1], deps[2], { searchLagMs: 50, searchRetryMs: 50 }),
    })
    .compile();
}

describe('BraintreeModule services against the emulator', () => {
  let emulator: BraintreeEmulator;
  let url: string;
  let moduleRef: TestingModule;
  let customers: BraintreeCustomersService;
  let paymentMethods: BraintreePaymentMethodsService;
  let transactions: BraintreeTransactionsService;
  let clientTokens: BraintreeClientTokenService;

  beforeAll(async () => {
    emulator = createBraintreeEmulator({ settlementDelayMs: 1000 });
    url = (await emulator.listen(0)).url;
    moduleRef = await moduleFor(url);
    customers = moduleRef.get(BraintreeCustomersService);
    paymentMethods = moduleRef.get(BraintreePaymentMethodsService);
    transactions = moduleRef.get(BraintreeTransactionsService);
    clientTokens = moduleRef.get(BraintreeClientTokenService);
  });
  afterAll(async () => {
    await moduleRef.close();
    await emulator.close();
  });
  beforeEach(() => emulator.server.reset());

  const faults = (body: Record<string, unknown>) =>
    fetch(`${url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const customerWithCard = (id = 'rec_1', nonce = BraintreeTest.Nonces.TransactableVisa) =>
    customers.create({ id, paymentMethodNonce: nonce, email: 'ana@example.com' });

  it('registers its policy in PolicyRegistry', () => {
    expect(moduleRef.get(PolicyRegistry).states()).toEqual({ braintree: 'closed' });
  });

  describe('customers', () => {
    it('creates with our id and a verified card', async () => {
      const r = await customers.create({
        id: 'rec_1',
        paymentMethodNonce: BraintreeTest.Nonces.TransactableMasterCard,
        verifyCard: true,
      });
      expect(r).toMatchObject({ outcome: 'approved', value: { id: 'rec_1' } });
      if (r.outcome !== 'approved') throw new Error('unreachable');
      expect(r.value.alreadyExisted).toBeUndefined();
      expect(r.value.paymentMethods).toEqual([
        expect.objectContaining({ cardType: 'MasterCard', last4: '4444', isDefault: true }),
      ]);
      expect(r.value.defaultPaymentMethodToken).toBe(r.value.paymentMethods[0].token);
    });

    it('is idempotent by id: "id already taken" returns the existing customer', async () => {
      await customerWithCard();
      const again = await customerWithCard();
      expect(again).toMatchObject({ outcome: 'approved', value: { id: 'rec_1', alreadyExisted: true } });
      expect(emulator.state.cardsOf('rec_1')).toHaveLength(1);
    });

    it('vaults the card on an existing customer that has none', async () => {
      await customers.create({ id: 'rec_2' });
      const r = await customers.create({
        id: 'rec_2',
        paymentMethodNonce: BraintreeTest.Nonces.TransactableAmEx,
      });
      expect(r).toMatchObject({ outcome: 'approved', value: { alreadyExisted: true } });
      expect(emulator.state.cardsOf('rec_2').map((c) => c.profile.cardType)).toEqual(['American Express']);
    });

    it('maps a declined verification and validation errors to outcomes', async () => {
      const declined = await customers.create({
        id: 'rec_3',
        paymentMethodNonce: BraintreeTest.Nonces.ProcessorDeclinedVisa,
        verifyCard: true,
      });
      expect(declined).toEqual({
        outcome: 'declined',
        processorResponseCode: '2000',
        processorResponseText: 'Do Not Honor',
        declineType: 'soft',
      });
      const fraud = await customers.create({
        id: 'rec_3',
        paymentMethodNonce: BraintreeTest.Nonces.GatewayRejectedFraud,
        verifyCard: true,
      });
      expect(fraud).toEqual({ outcome: 'gateway_rejected', reason: 'fraud' });
      const invalid = await customers.create({ id: 'not valid!' });
      expect(invalid).toMatchObject({
        outcome: 'validation_failed',
        errors: [expect.objectContaining({ code: '91610' })],
      });
    });

    it('finds; unknown is undefined', async () => {
      await customerWithCard();
      expect((await customers.find('rec_1'))?.email).toBe('ana@example.com');
      expect(await customers.find('nobody')).toBeUndefined();
    });
  });

  describe('payment methods', () => {
    it('creates, makes default, finds and deletes', async () => {
      await customerWithCard();
      const created = await paymentMethods.create({
        customerId: 'rec_1',
        paymentMethodNonce: BraintreeTest.Nonces.TransactableDiscover,
        verifyCard: true,
      });
      if (created.outcome !== 'approved') throw new Error(`unexpected ${created.outcome}`);
      expect(created.value).toMatchObject({ cardType: 'Discover', isDefault: false });
      const made = await paymentMethods.makeDefault(created.value.token);
      expect(made).toMatchObject({ outcome: 'approved', value: { isDefault: true } });
      expect((await paymentMethods.find(created.value.token))?.isDefault).toBe(true);
      expect(await paymentMethods.delete(created.value.token)).toBe(true);
      expect(await paymentMethods.delete(created.value.token)).toBe(false);
      expect(await paymentMethods.find(created.value.token)).toBeUndefined();
    });

    it('reports a declined card and an unknown customer', async () => {
      await customerWithCard();
      const declined = await paymentMethods.create({
        customerId: 'rec_1',
        paymentMethodNonce: BraintreeTest.Nonces.ProcessorDeclinedAmEx,
        verifyCard: true,
      });
      expect(declined).toMatchObject({ outcome: 'declined', processorResponseCode: '2000' });
      const ghost = await paymentMethods.create({
        customerId: 'ghost',
        paymentMethodNonce: BraintreeTest.Nonces.Transactable,
      });
      expect(ghost).toMatchObject({
        outcome: 'validation_failed',
        errors: [expect.objectContaining({ code: '93105' })],
      });
    });
  });

  describe('transactions', () => {
    it('charges with orderId on the merchant account of the currency', async () => {
      await customerWithCard();
      const r = await transactions.chargeOnce(
        {
          amount: '49.00',
          currencyIsoCode: 'EUR',
          orderId: 'inv_1',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      expect(r).toMatchObject({
        outcome: 'approved',
        value: {
          status: 'submitted_for_settlement',
          orderId: 'inv_1',
          merchantAccountId: 'sandbox_eur',
          currencyIsoCode: 'EUR',
        },
      });
      expect(() => transactions.merchantAccountFor('JPY')).toThrow(
        'no Braintree merchant account is configured for JPY',
      );
    });

    it('maps declines (soft/hard), gateway rejections and validation errors', async () => {
      await customerWithCard();
      const token = emulator.state.cardsOf('rec_1')[0].token;
      const hard = await transactions.chargeOnce(
        {
          amount: '2004.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_h',
          paymentMethodToken: token,
        },
        { firstAttempt: true },
      );
      expect(hard).toMatchObject({
        outcome: 'declined',
        processorResponseCode: '2004',
        processorResponseText: 'Expired Card',
        declineType: 'hard',
        transaction: { status: 'processor_declined', orderId: 'inv_h' },
      });
      const soft = await transactions.chargeOnce(
        {
          amount: '2001.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_s',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      expect(soft).toMatchObject({ outcome: 'declined', processorResponseCode: '2001', declineType: 'soft' });
      const failed = await transactions.chargeOnce(
        {
          amount: '3000.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_f',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      expect(failed).toMatchObject({
        outcome: 'declined',
        processorResponseCode: '3000',
        declineType: 'soft',
      });
      await customers.create({
        id: 'fraudster',
        paymentMethodNonce: BraintreeTest.Nonces.GatewayRejectedFraud,
      });
      const fraud = await transactions.chargeOnce(
        {
          amount: '10.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_x',
          customerId: 'fraudster',
        },
        { firstAttempt: true },
      );
      expect(fraud).toMatchObject({ outcome: 'gateway_rejected', reason: 'fraud' });
      const invalid = await transactions.chargeOnce(
        {
          amount: 'ten',
          currencyIsoCode: 'USD',
          orderId: 'inv_v',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      expect(invalid).toMatchObject({
        outcome: 'validation_failed',
        errors: [expect.objectContaining({ code: '81503' })],
      });
    });

    it('finds, searches by order id, voids and refunds', async () => {
      await customerWithCard();
      const a = await transactions.chargeOnce(
        {
          amount: '20.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_a',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      const b = await transactions.chargeOnce(
        {
          amount: '21.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_b',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      if (a.outcome !== 'approved' || b.outcome !== 'approved') throw new Error('sales should pass');
      expect((await transactions.find(a.value.id))?.amount).toBe('20.00');
      expect(await transactions.find('nope')).toBeUndefined();
      expect((await transactions.findByOrderId('inv_a')).map((t) => t.id)).toEqual([a.value.id]);
      expect(await transactions.findByOrderId('inv_none')).toEqual([]);
      expect(await transactions.void(b.value.id)).toMatchObject({
        outcome: 'approved',
        value: { status: 'voided' },
      });
      const tooEarly = await transactions.refund(a.value.id);
      expect(tooEarly).toMatchObject({
        outcome: 'validation_failed',
        errors: [expect.objectContaining({ code: '91506' })],
      });
      await emulator.server.clock.advance(2000);
      const refund = await transactions.refund(a.value.id, '5.00');
      expect(refund).toMatchObject({
        outcome: 'approved',
        value: { type: 'credit', amount: '5.00', refundedTransactionId: a.value.id },
      });
    });

    it('re-sends a sale refused with 503 only after finding nothing for the order id', async () => {
      await customerWithCard();
      await faults({ errorRate: 1, errorStatus: 503, maxFaults: 1, pathIncludes: '/transactions' });
      const r = await transactions.chargeOnce(
        {
          amount: '30.00',
          currencyIsoCode: 'USD',
          orderId: 'inv_503',
          customerId: 'rec_1',
        },
        { firstAttempt: true },
      );
      expect(r.outcome).toBe('approved');
      expect(emulator.state.transactionsForOrder('inv_503')).toHaveLength(1);
    });

    it('answers a duplicate gateway rejection with the earlier charge', async () => {
      await customerWithCard();
      const charge = { amount: '31.00', currencyIsoCode: 'USD', orderId: 'inv_dup', customerId: 'rec_1' };
      const first = await transactions.chargeOnce(charge, { firstAttempt: true });
      // Sent again as "first" (wrongly): the gateway's duplicate check (on by default) rejects it.
      const second = await transactions.chargeOnce(charge, { firstAttempt: true });
      if (first.outcome !== 'approved') throw new Error('expected approved');
      expect(second).toMatchObject({
        outcome: 'approved',
        value: { id: first.value.id, alreadyExisted: true },
      });
      expect(
        emulator.state
          .transactionsForOrder('inv_dup')
          .map((t) => t.status)
          .sort(),
      ).toEqual(['gateway_rejected', 'submitted_for_settlement']);
    });

    it('keeps the deprecated sale() (a charge assumed to be the first send)', async () => {
      await customerWithCard();
      const r = await transactions.sale({
        amount: '9.00',
        currency: 'usd',
        orderId: 'inv_old',
        customerId: 'rec_1',
      });
      expect(r).toMatchObject({ outcome: 'approved', value: { orderId: 'inv_old', alreadyExisted: false } });
      expect(await transactions.searchByOrderId('inv_old')).toHaveLength(1);
    });

    it('finds by order id since a date, newest first', async () => {
      await customerWithCard();
      const charge = (amount: string) =>
        transactions.chargeOnce(
          { amount, currencyIsoCode: 'USD', orderId: 'inv_since', customerId: 'rec_1' },
          { firstAttempt: true },
        );
      await charge('2001.00');
      await emulator.server.clock.advance(5_000);
      const since = emulator.server.clock.now();
      const ok = await charge('10.00');
      if (ok.outcome !== 'approved') throw new Error('expected approved');
      const all = await transactions.findByOrderId('inv_since');
      expect(all.map((t) => t.status)).toEqual(['submitted_for_settlement', 'processor_declined']);
      expect((await transactions.findByOrderId('inv_since', { since })).map((t) => t.id)).toEqual([
        ok.value.id,
      ]);
    });

    it('lists recent transactions with their settlement for polling (no card settlement webhooks)', async () => {
      await customerWithCard();
      const since = emulator.server.clock.now();
      const charge = (orderId: string, amount: string) =>
        transactions.chargeOnce(
          { amount, currencyIsoCode: 'USD', orderId, customerId: 'rec_1' },
          { firstAttempt: true },
        );
      await charge('inv_r1', '10.00');
      await charge('inv_r2', '4001.00'); // settles as settlement_declined (test amount)
      await charge('inv_r3', '2000.00'); // processor declined
      await emulator.server.clock.advance(2_000); // settlementDelayMs 1000 per step
      const recent = await transactions.searchRecent({ createdSince: since });
      expect(recent.map((t) => [t.orderId, t.status]).sort()).toEqual([
        ['inv_r1', 'settled'],
        ['inv_r2', 'settlement_declined'],
        ['inv_r3', 'processor_declined'],
      ]);
      const settled = recent.find((t) => t.orderId === 'inv_r1');
      expect(settled).toMatchObject({
        processorResponseCode: '1000',
        settlementBatchId: expect.stringMatching(/_sandbox$/),
        submittedForSettlementAt: expect.any(String),
        settledAt: expect.any(String),
      });
      expect(settled?.statusHistory.map((e) => e.status)).toEqual([
        'authorized',
        'submitted_for_settlement',
        'settling',
        'settled',
      ]);
      expect(recent.find((t) => t.orderId === 'inv_r2')).toMatchObject({
        processorSettlementResponseCode: '4001',
        settledAt: null,
      });
      const onlyDeclined = await transactions.searchRecent({
        createdSince: since,
        statuses: ['settlement_declined', 'processor_declined'],
      });
      expect(onlyDeclined.map((t) => t.orderId).sort()).toEqual(['inv_r2', 'inv_r3']);
      const later = new Date(emulator.server.clock.now().getTime() + 60_000);
      expect(await transactions.searchRecent({ createdSince: later })).toEqual([]);
      expect(emulator.server.webhooks.list({})).toEqual([]);
    });
  });

  describe('errors', () => {
    it('retries temporary failures of reads (503, 429)', async () => {
      await customerWithCard();
      await faults({ errorRate: 1, errorStatus: 503, maxFaults: 2 });
      expect((await customers.find('rec_1'))?.id).toBe('rec_1');
      await faults({ rateLimitRate: 1, maxFaults: 1 });
      expect((await customers.find('rec_1'))?.id).toBe('rec_1');
    });

    it('surfaces a 500 that outlasts the attempts as a temporary UpstreamError', async () => {
      await faults({ errorRate: 1, errorStatus: 500, maxFaults: 5 });
      const err = await customers.find('rec_1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ kind: 'unavailable', temporary: true, upstream: { status: 500 } });
      await faults({});
    });

    it('surfaces bad credentials at once as a permanent auth error', async () => {
      const wrong = await moduleFor(url, { privateKey: 'wrong' });
      try {
        const err = await wrong
          .get(BraintreeCustomersService)
          .find('rec_1')
          .catch((e: unknown) => e);
        expect(err).toMatchObject({
          platform: 'braintree',
          kind: 'auth',
          temporary: false,
          upstream: { status: 401 },
        });
      } finally {
        await wrong.close();
      }
    });
  });

  it('generates client tokens; an unknown customer is a validation outcome', async () => {
    await customerWithCard();
    const ok = await clientTokens.generate({ customerId: 'rec_1' });
    if (ok.outcome !== 'approved') throw new Error('expected a token');
    expect(JSON.parse(Buffer.from(ok.value, 'base64').toString()).version).toBe(2);
    expect(await clientTokens.generate({ customerId: 'ghost' })).toMatchObject({
      outcome: 'validation_failed',
      errors: [expect.objectContaining({ code: '92804' })],
    });
  });
});
