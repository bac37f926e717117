import * as braintree from 'braintree';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBraintreeEmulator } from './braintree-emulator';
import { BraintreeTest, gatewayFor, sdkEnvironment } from './sdk-environment';

describe('createBraintreeEmulator', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'bt-emu-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a six-argument plain-HTTP SDK environment from a URL', () => {
    const env = sdkEnvironment('http://127.0.0.1:4030') as unknown as Record<string, unknown>;
    expect(env).toMatchObject({
      server: '127.0.0.1',
      port: '4030',
      ssl: false,
      graphQLServer: '127.0.0.1',
      graphQLPort: '4030',
    });
  });

  it('keeps state and the sandbox clock in the data file across restarts', async () => {
    const dataFile = join(dir, 'braintree.json');
    const first = createBraintreeEmulator({ dataFile, settlementDelayMs: 1000 });
    const url1 = (await first.listen(0)).url;
    await gatewayFor(url1).customer.create({
      id: 'kept',
      paymentMethodNonce: BraintreeTest.Nonces.Transactable,
    });
    const sale = await gatewayFor(url1).transaction.sale({
      amount: '5.00',
      customerId: 'kept',
      options: { submitForSettlement: true },
    });
    await first.server.clock.advance(1000);
    await first.close();

    const second = createBraintreeEmulator({ dataFile, settlementDelayMs: 1000 });
    const url2 = (await second.listen(0)).url;
    try {
      const customer = await gatewayFor(url2).customer.find('kept');
      expect(customer.creditCards?.[0].last4).toBe('1881');
      expect(second.server.clock.offset).toBe(1000);
      await second.server.clock.advance(1000);
      const tx = await gatewayFor(url2).transaction.find(
        (sale as unknown as { transaction: braintree.Transaction }).transaction.id,
      );
      expect(tx.status).toBe('settled');
    } finally {
      await second.close();
    }
  });

  it('forgets everything on POST /__sandbox/reset', async () => {
    const emulator = createBraintreeEmulator();
    const url = (await emulator.listen(0)).url;
    try {
      await gatewayFor(url).customer.create({ id: 'gone' });
      await fetch(`${url}/__sandbox/reset`, { method: 'POST' });
      await expect(gatewayFor(url).customer.find('gone')).rejects.toMatchObject({ type: 'notFoundError' });
    } finally {
      await emulator.close();
    }
  });
});
