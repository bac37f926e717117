import { createBraintreeHostedFields, ThreeDSecureMode } from './braintree-hosted-fields.adapter';
import { CardFieldsError } from './card-fields';

// braintree-web is mocked at the module boundary: the adapter's own logic is what is under test.
const bt = vi.hoisted(() => ({
  clientCreate: vi.fn(),
  hostedFieldsCreate: vi.fn(),
  threeDSecureCreate: vi.fn(),
}));
vi.mock('braintree-web/client', () => ({ create: bt.clientCreate }));
vi.mock('braintree-web/hosted-fields', () => ({ create: bt.hostedFieldsCreate }));
vi.mock('braintree-web/three-d-secure', () => ({ create: bt.threeDSecureCreate }));

const IDS = { number: 'card-number', expirationDate: 'card-expiry', cvv: 'card-cvv' };
const REQUEST = {
  cardholderName: 'Ada Lovelace',
  email: 'ada@example.com',
  amount: '49.00',
  postalCode: '10115',
};
const PAYLOAD = {
  nonce: 'tokencc_hf',
  type: 'CreditCard',
  description: 'ending in 11',
  details: { bin: '411111', cardType: 'Visa', lastFour: '1111', lastTwo: '11' },
};

let client: { teardown: ReturnType<typeof vi.fn> };
let hostedFields: { tokenize: ReturnType<typeof vi.fn>; teardown: ReturnType<typeof vi.fn> };
let threeDSecure: { verifyCard: ReturnType<typeof vi.fn>; teardown: ReturnType<typeof vi.fn> };
let getClientToken: ReturnType<typeof vi.fn<() => Promise<string>>>;

beforeEach(() => {
  vi.clearAllMocks();
  client = { teardown: vi.fn().mockResolvedValue(undefined) };
  hostedFields = {
    tokenize: vi.fn().mockResolvedValue(PAYLOAD),
    teardown: vi.fn().mockResolvedValue(undefined),
  };
  threeDSecure = { verifyCard: vi.fn(), teardown: vi.fn().mockResolvedValue(undefined) };
  bt.clientCreate.mockResolvedValue(client);
  bt.hostedFieldsCreate.mockResolvedValue(hostedFields);
  bt.threeDSecureCreate.mockResolvedValue(threeDSecure);
  getClientToken = vi.fn<() => Promise<string>>().mockResolvedValue('client-token-1');
});

async function mounted(threeDSecureMode: ThreeDSecureMode = 'off') {
  const fields = createBraintreeHostedFields({ getClientToken, threeDSecure: threeDSecureMode });
  await fields.mount(IDS);
  return fields;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

describe('Braintree Hosted Fields adapter', () => {
  it('creates the client with the session client token and the fields in the given containers', async () => {
    await mounted();
    expect(getClientToken).toHaveBeenCalledTimes(1);
    expect(bt.clientCreate).toHaveBeenCalledWith({ authorization: 'client-token-1' });
    const options = bt.hostedFieldsCreate.mock.calls[0][0];
    expect(options.client).toBe(client);
    expect(options.fields).toEqual({
      number: expect.objectContaining({ container: '#card-number', internalLabel: 'Card number' }),
      expirationDate: expect.objectContaining({ container: '#card-expiry', internalLabel: 'Expiry date' }),
      cvv: expect.objectContaining({ container: '#card-cvv', internalLabel: 'Security code' }),
    });
    expect(options.styles).toBeDefined();
    expect(bt.threeDSecureCreate).not.toHaveBeenCalled();
  });

  it('tokenizes with the cardholder name and returns nonce, card type and last four', async () => {
    const fields = await mounted();
    await expect(fields.tokenize(REQUEST)).resolves.toEqual({
      nonce: 'tokencc_hf',
      details: { cardType: 'Visa', lastFour: '1111' },
    });
    expect(hostedFields.tokenize).toHaveBeenCalledWith({
      cardholderName: 'Ada Lovelace',
      billingAddress: { postalCode: '10115' },
    });
  });

  it.each([
    [{ code: 'HOSTED_FIELDS_FIELDS_EMPTY' }, 'invalid_fields', ['number', 'expirationDate', 'cvv']],
    [
      { code: 'HOSTED_FIELDS_FIELDS_INVALID', details: { invalidFieldKeys: ['cvv', 'expirationDate'] } },
      'invalid_fields',
      ['expirationDate', 'cvv'],
    ],
    [{ code: 'HOSTED_FIELDS_FAILED_TOKENIZATION' }, 'tokenize_failed', []],
    [{ code: 'HOSTED_FIELDS_TOKENIZATION_NETWORK_ERROR' }, 'tokenize_failed', []],
  ])('maps tokenize error %o to %s', async (braintreeError, code, fieldList) => {
    hostedFields.tokenize.mockRejectedValue(Object.assign(new Error('braintree'), braintreeError));
    const fields = await mounted();
    const error = await rejection(fields.tokenize(REQUEST));
    expect(error).toBeInstanceOf(CardFieldsError);
    expect(error).toMatchObject({ code, fields: fieldList });
  });

  it('tears down every component it created', async () => {
    const fields = await mounted('required');
    await fields.teardown();
    expect(hostedFields.teardown).toHaveBeenCalledTimes(1);
    expect(threeDSecure.teardown).toHaveBeenCalledTimes(1);
    expect(client.teardown).toHaveBeenCalledTimes(1);
    await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({ code: 'load_failed' });
  });

  it('releases what it created when torn down while still loading', async () => {
    const fields = createBraintreeHostedFields({ getClientToken, threeDSecure: 'off' });
    const mounting = fields.mount(IDS);
    await fields.teardown();
    await mounting;
    expect(hostedFields.teardown).toHaveBeenCalledTimes(1);
    expect(client.teardown).toHaveBeenCalledTimes(1);
  });

  it('reports load_failed when the SDK cannot set up, and releases the client', async () => {
    bt.hostedFieldsCreate.mockRejectedValue(
      Object.assign(new Error('bad'), { code: 'HOSTED_FIELDS_TIMEOUT' }),
    );
    const fields = createBraintreeHostedFields({ getClientToken, threeDSecure: 'off' });
    await expect(fields.mount(IDS)).rejects.toMatchObject({ name: 'CardFieldsError', code: 'load_failed' });
    expect(client.teardown).toHaveBeenCalled();
  });

  it('reports load_failed when the client cannot be created', async () => {
    bt.clientCreate.mockRejectedValue(
      Object.assign(new Error('x'), { code: 'CLIENT_AUTHORIZATION_INVALID' }),
    );
    const fields = createBraintreeHostedFields({ getClientToken, threeDSecure: 'off' });
    await expect(fields.mount(IDS)).rejects.toMatchObject({ code: 'load_failed' });
  });

  it('passes client token errors through unchanged (the page ends an expired session)', async () => {
    const expired = new Error('expired');
    getClientToken.mockRejectedValue(expired);
    const fields = createBraintreeHostedFields({ getClientToken, threeDSecure: 'off' });
    await expect(fields.mount(IDS)).rejects.toBe(expired);
  });

  describe('3-D Secure', () => {
    const verified = (info: { liabilityShifted: boolean; liabilityShiftPossible: boolean }) => ({
      nonce: 'tokencc_3ds',
      details: { cardType: 'Visa', lastTwo: '11' },
      threeDSecureInfo: info,
      ...info,
    });

    it('creates version 2 and accepts a nonce whose liability shifted', async () => {
      threeDSecure.verifyCard.mockResolvedValue(
        verified({ liabilityShifted: true, liabilityShiftPossible: true }),
      );
      const fields = await mounted('required');
      expect(bt.threeDSecureCreate).toHaveBeenCalledWith({ client, version: 2 });
      await expect(fields.tokenize(REQUEST)).resolves.toEqual({
        nonce: 'tokencc_3ds',
        details: { cardType: 'Visa', lastFour: '1111' },
      });
      const options = threeDSecure.verifyCard.mock.calls[0][0];
      expect(options).toMatchObject({
        amount: '49.00',
        nonce: 'tokencc_hf',
        bin: '411111',
        email: 'ada@example.com',
      });
      const next = vi.fn();
      options.onLookupComplete({}, next);
      expect(next).toHaveBeenCalled();
    });

    it.each([
      { liabilityShifted: false, liabilityShiftPossible: true },
      { liabilityShifted: false, liabilityShiftPossible: false },
    ])('refuses the nonce when required and %o', async (info) => {
      threeDSecure.verifyCard.mockResolvedValue(verified(info));
      const fields = await mounted('required');
      await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({ code: 'liability_not_shifted' });
    });

    it('accepts an unshifted nonce when 3-D Secure is only attempted', async () => {
      threeDSecure.verifyCard.mockResolvedValue(
        verified({ liabilityShifted: false, liabilityShiftPossible: false }),
      );
      const fields = await mounted('attempt');
      await expect(fields.tokenize(REQUEST)).resolves.toMatchObject({ nonce: 'tokencc_3ds' });
    });

    it('reports three_d_secure_failed when verifyCard throws', async () => {
      threeDSecure.verifyCard.mockRejectedValue(
        Object.assign(new Error('x'), { code: 'THREEDS_LOOKUP_ERROR' }),
      );
      const fields = await mounted('required');
      await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({ code: 'three_d_secure_failed' });
    });

    it('reports load_failed when 3-D Secure cannot be set up', async () => {
      bt.threeDSecureCreate.mockRejectedValue(new Error('no 3ds'));
      const fields = createBraintreeHostedFields({ getClientToken, threeDSecure: 'required' });
      await expect(fields.mount(IDS)).rejects.toMatchObject({ code: 'load_failed' });
      expect(hostedFields.teardown).toHaveBeenCalled();
    });
  });
});
