import * as braintree from 'braintree';
import { BraintreeEmulator, createBraintreeEmulator } from './braintree-emulator';
import { gatewayFor } from './sdk-environment';

describe('Braintree emulator — sandbox card tokenization for the checkout page', () => {
  let emulator: BraintreeEmulator;
  let url: string;

  beforeAll(async () => {
    emulator = createBraintreeEmulator();
    url = (await emulator.listen(0)).url;
  });
  afterAll(() => emulator.close());

  const tokenize = (body: Record<string, string>) =>
    fetch(`${url}/__sandbox/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:4200' },
      body: JSON.stringify(body),
    });

  it('answers CORS preflight and tokenizes a test card into a single-use nonce', async () => {
    const pre = await fetch(`${url}/__sandbox/tokenize`, {
      method: 'OPTIONS',
      headers: { origin: 'http://x' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const res = await tokenize({ number: '4111 1111 1111 1111', expirationDate: '12/30', cvv: '123' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as {
      nonce: string;
      details: { cardType: string; lastFour: string };
      equivalentTestNonce: string;
    };
    expect(body.details).toMatchObject({ cardType: 'Visa', lastFour: '1111', bin: '411111' });
    expect(body.equivalentTestNonce).toBeNull();

    const gateway = gatewayFor(url);
    const created = await gateway.customer.create({ id: 'c1', paymentMethodNonce: body.nonce });
    expect(created.customer.creditCards?.[0].last4).toBe('1111');
    const reused = await gateway.customer.create({ id: 'c2', paymentMethodNonce: body.nonce });
    expect(reused.errors.deepErrors()[0].code).toBe('91731');
  });

  it.each([
    ['4000111111111115', 'Visa', 'processor_declined', 'fake-processor-declined-visa-nonce'],
    ['5555555555554444', 'MasterCard', 'submitted_for_settlement', 'fake-valid-mastercard-nonce'],
    ['378282246310005', 'American Express', 'submitted_for_settlement', 'fake-valid-amex-nonce'],
    ['4000111111111511', 'Visa', 'gateway_rejected', 'fake-gateway-rejected-fraud-nonce'],
    ['3566002020360505', 'JCB', 'failed', 'fake-processor-failure-jcb-nonce'],
  ])('card %s → %s, sale %s', async (number, cardType, status, testNonce) => {
    const cvv = cardType === 'American Express' ? '1234' : '123';
    const body = (await (await tokenize({ number, expirationDate: '01/2031', cvv })).json()) as {
      nonce: string;
      details: { cardType: string };
      equivalentTestNonce: string;
    };
    expect(body.details.cardType).toBe(cardType);
    expect(body.equivalentTestNonce).toBe(testNonce);
    const r = (await gatewayFor(url).transaction.sale({
      amount: '10.00',
      paymentMethodNonce: body.nonce,
      options: { submitForSettlement: true },
    })) as braintree.ValidatedResponse<braintree.Transaction> & { transaction: braintree.Transaction };
    expect(r.transaction.status).toBe(status);
  });

  it('rejects invalid numbers, expiry dates and CVVs with 422', async () => {
    expect((await tokenize({ number: '4111111111111112', expirationDate: '12/30' })).status).toBe(422);
    expect((await tokenize({ number: '4111111111111111', expirationDate: '13/30' })).status).toBe(422);
    expect((await tokenize({ number: '4111111111111111', expirationDate: '01/20' })).status).toBe(422);
    const cvv = await tokenize({ number: '378282246310005', expirationDate: '12/30', cvv: '123' });
    expect(((await cvv.json()) as { error: { code: string } }).error.code).toBe('81707');
  });
});
