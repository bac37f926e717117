import * as braintree from 'braintree';
import { BraintreeEmulator, createBraintreeEmulator } from './braintree-emulator';
import { BraintreeTest, gatewayFor } from './sdk-environment';

/** Every vault call made through the official SDK against the emulator. */
describe('Braintree emulator — customers, payment methods, client tokens (official SDK)', () => {
  let emulator: BraintreeEmulator;
  let gateway: braintree.BraintreeGateway;
  let url: string;

  beforeAll(async () => {
    emulator = createBraintreeEmulator();
    url = (await emulator.listen(0)).url;
    gateway = gatewayFor(url);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.server.reset());

  const newCustomer = (over: Partial<braintree.CustomerCreateRequest> = {}) =>
    gateway.customer.create({ id: 'attio_rec_1', email: 'ana@example.com', firstName: 'Ana', ...over });

  it('creates a customer with our own id and a vaulted, verified card from a nonce', async () => {
    const result = await newCustomer({
      paymentMethodNonce: BraintreeTest.Nonces.TransactableMasterCard,
      creditCard: { options: { verifyCard: true } } as braintree.CreditCardCreateRequest,
    });
    expect(result.success).toBe(true);
    expect(result.customer.id).toBe('attio_rec_1');
    expect(result.customer.email).toBe('ana@example.com');
    const [card] = result.customer.creditCards ?? [];
    expect(card).toMatchObject({ cardType: 'MasterCard', last4: '4444', bin: '555555', default: true });
    expect(card.verification?.status).toBe('verified');
    expect(result.customer.paymentMethods?.length).toBe(1);
  });

  it('answers 91609 "id already taken" as Braintree does', async () => {
    await newCustomer();
    const again = await newCustomer();
    expect(again.success).toBe(false);
    const errors = again.errors.for('customer').on('id') as unknown as braintree.ValidationError[];
    expect(errors[0].code).toBe('91609');
    expect(again.errors.deepErrors().map((e) => e.code)).toEqual(['91609']);
    expect(again.message).toBe('Customer ID has already been taken.');
  });

  it('rejects a processor-declined card when verifyCard is set, and stores nothing', async () => {
    const result = await newCustomer({
      paymentMethodNonce: BraintreeTest.Nonces.ProcessorDeclinedVisa,
      creditCard: { options: { verifyCard: true } } as braintree.CreditCardCreateRequest,
    });
    expect(result.success).toBe(false);
    const verification = (
      result as unknown as { verification: { status: string; processorResponseCode: string } }
    ).verification;
    expect(verification.status).toBe('processor_declined');
    expect(verification.processorResponseCode).toBe('2000');
    expect(result.message).toBe('Do Not Honor');
    await expect(gateway.customer.find('attio_rec_1')).rejects.toMatchObject({ type: 'notFoundError' });
  });

  it('reports unknown and consumed nonces as nested validation errors', async () => {
    const unknown = await newCustomer({ paymentMethodNonce: 'no-such-nonce' });
    expect(unknown.success).toBe(false);
    expect(unknown.errors.deepErrors().map((e) => e.code)).toEqual(['91732']);
    const consumed = await newCustomer({ paymentMethodNonce: BraintreeTest.Nonces.Consumed });
    expect(consumed.errors.for('customer').for('creditCard').deepErrors()[0].code).toBe('91731');
    const invalidId = await newCustomer({ id: 'bad id!' });
    expect(invalidId.errors.deepErrors()[0].code).toBe('91610');
  });

  it('finds and updates a customer; unknown ids are notFoundError', async () => {
    await newCustomer();
    const found = await gateway.customer.find('attio_rec_1');
    expect(found.firstName).toBe('Ana');
    const updated = await gateway.customer.update('attio_rec_1', { lastName: 'Lima' });
    expect(updated.success).toBe(true);
    expect(updated.customer.lastName).toBe('Lima');
    await expect(gateway.customer.find('nobody')).rejects.toMatchObject({ type: 'notFoundError' });
  });

  it('creates, finds, makes default and deletes payment methods', async () => {
    await newCustomer({ paymentMethodNonce: BraintreeTest.Nonces.TransactableVisa });
    const created = await gateway.paymentMethod.create({
      customerId: 'attio_rec_1',
      paymentMethodNonce: BraintreeTest.Nonces.TransactableAmEx,
      options: { verifyCard: true },
    });
    expect(created.success).toBe(true);
    const amex = created.paymentMethod as braintree.CreditCard;
    expect(amex).toMatchObject({ cardType: 'American Express', last4: '0005', default: false });

    const made = await gateway.paymentMethod.update(amex.token, { options: { makeDefault: true } });
    expect((made.paymentMethod as braintree.CreditCard).default).toBe(true);
    const customer = await gateway.customer.find('attio_rec_1');
    expect(customer.creditCards?.filter((c) => c.default).map((c) => c.token)).toEqual([amex.token]);

    const found = (await gateway.paymentMethod.find(amex.token)) as braintree.CreditCard;
    expect(found.maskedNumber).toBe('378282******0005');
    await gateway.paymentMethod.delete(amex.token);
    await expect(gateway.paymentMethod.find(amex.token)).rejects.toMatchObject({ type: 'notFoundError' });
    const after = await gateway.customer.find('attio_rec_1');
    expect(after.creditCards?.map((c) => c.default)).toEqual([true]);
  });

  it('refuses payment methods for unknown customers and declined verifications', async () => {
    const noCustomer = await gateway.paymentMethod.create({
      customerId: 'ghost',
      paymentMethodNonce: BraintreeTest.Nonces.Transactable,
    });
    expect(noCustomer.success).toBe(false);
    expect(noCustomer.errors.deepErrors()[0].code).toBe('93105');
    await newCustomer();
    const declined = await gateway.paymentMethod.create({
      customerId: 'attio_rec_1',
      paymentMethodNonce: BraintreeTest.Nonces.ProcessorFailureJCB,
      options: { verifyCard: true },
    });
    expect(declined.success).toBe(false);
    expect(declined.message).toBe('Processor Network Unavailable - Try Again');
  });

  it('generates a client token (base64 JSON) and validates the customer id', async () => {
    await newCustomer();
    const token = await gateway.clientToken.generate({ customerId: 'attio_rec_1' });
    expect(token.success).toBe(true);
    const decoded = JSON.parse(Buffer.from(token.clientToken, 'base64').toString('utf8'));
    expect(decoded.version).toBe(2);
    expect(decoded.authorizationFingerprint).toContain('customer_id=attio_rec_1');
    const bad = await gateway.clientToken.generate({ customerId: 'ghost' });
    expect(bad.success).toBe(false);
    expect(bad.errors.deepErrors()[0].code).toBe('92804');
  });

  it('answers wrong credentials the way the SDK maps to authenticationError', async () => {
    const wrong = gatewayFor(url, {
      merchantId: 'sandbox_merchant',
      publicKey: 'sandbox_public_key',
      privateKey: 'nope',
    });
    await expect(wrong.customer.find('attio_rec_1')).rejects.toMatchObject({ type: 'authenticationError' });
    const otherMerchant = gatewayFor(url, { ...emulatorCredentials(), merchantId: 'someone_else' });
    await expect(otherMerchant.customer.find('x')).rejects.toMatchObject({ type: 'authenticationError' });
  });
});

function emulatorCredentials() {
  return {
    merchantId: 'sandbox_merchant',
    publicKey: 'sandbox_public_key',
    privateKey: 'sandbox_private_key',
  };
}
