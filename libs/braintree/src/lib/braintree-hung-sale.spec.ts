import { AppConfig, MetricsModule } from '@aia/platform';
import { BraintreeEmulator, BraintreeTest, createBraintreeEmulator } from '@aia/sandbox-braintree';
import { Test, TestingModule } from '@nestjs/testing';
import { BraintreeCustomersService } from './braintree-customers.service';
import { BraintreeTransactionsService } from './braintree-transactions.service';
import { BraintreeModule } from './braintree.module';

/**
 * The charge that must not happen twice: the emulator processes the sale but holds its answer past the
 * client timeout (hang fault). The policy must search by orderId and find it instead of selling again.
 */
describe('hung sale', () => {
  let emulator: BraintreeEmulator;
  let url: string;
  let moduleRef: TestingModule;
  let transactions: BraintreeTransactionsService;

  const config = (gatewayUrl: string): AppConfig['braintree'] => ({
    environment: 'emulator',
    gatewayUrl,
    merchantId: 'sandbox_merchant',
    publicKey: 'sandbox_public_key',
    privateKey: 'sandbox_private_key',
    merchantAccounts: { USD: 'sandbox_usd' },
  });

  beforeAll(async () => {
    emulator = createBraintreeEmulator();
    url = (await emulator.listen(0)).url;
    moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot(),
        BraintreeModule.forRootAsync({
          useFactory: () => ({
            braintree: config(url),
            policy: { timeoutMs: 300, baseDelayMs: 5, maxDelayMs: 10 },
          }),
        }),
      ],
    }).compile();
    transactions = moduleRef.get(BraintreeTransactionsService);
    await moduleRef.get(BraintreeCustomersService).create({
      id: 'rec_h',
      paymentMethodNonce: BraintreeTest.Nonces.TransactableVisa,
    });
  });
  afterAll(async () => {
    await moduleRef.close();
    await emulator.close();
  });

  const hangNextSale = (hangMs: number) =>
    fetch(`${url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      // Only the sale POST matches "/transactions" exactly once (maxFaults: 1); the search that follows is not hung.
      body: JSON.stringify({ hangRate: 1, hangMs, maxFaults: 1, pathIncludes: '/transactions' }),
    });

  it('runs the orderId search instead of a second sale and returns the processed charge', async () => {
    await hangNextSale(2000);
    const started = Date.now();
    const r = await transactions.sale({
      amount: '77.00',
      currency: 'USD',
      orderId: 'inv_hung',
      customerId: 'rec_h',
    });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r).toMatchObject({ outcome: 'approved', value: { orderId: 'inv_hung', amount: '77.00' } });
    const held = emulator.state.transactionsForOrder('inv_hung');
    expect(held).toHaveLength(1);
    expect(held[0].status).toBe('submitted_for_settlement');
    if (r.outcome === 'approved') expect(r.value.id).toBe(held[0].id);
  });

  it('reports a hung sale that was declined as declined, still without selling again', async () => {
    await hangNextSale(2000);
    const r = await transactions.sale({
      amount: '2001.00',
      currency: 'USD',
      orderId: 'inv_hung_2',
      customerId: 'rec_h',
    });
    expect(r).toMatchObject({ outcome: 'declined', processorResponseCode: '2001', declineType: 'soft' });
    expect(emulator.state.transactionsForOrder('inv_hung_2')).toHaveLength(1);
  });
});
