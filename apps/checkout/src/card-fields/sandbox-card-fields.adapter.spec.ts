import { apiError, json, stubFetch } from '../testing/checkout-fixtures';
import { CardFieldsError } from './card-fields';
import { createSandboxCardFields } from './sandbox-card-fields.adapter';

const URL = 'http://sandbox.test/__sandbox/tokenize';
const IDS = { number: 'card-number', expirationDate: 'card-expiry', cvv: 'card-cvv' };
const REQUEST = { cardholderName: 'Ada Lovelace', email: 'ada@example.com', amount: '49.00' };
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

function fill(number: string, expiry = '12/30', cvv = '123') {
  input('card-number').value = number;
  input('card-expiry').value = expiry;
  input('card-cvv').value = cvv;
}

async function mounted() {
  const fields = createSandboxCardFields({ tokenizeUrl: URL });
  await fields.mount(IDS);
  return fields;
}

beforeEach(() => {
  document.body.innerHTML = Object.values(IDS)
    .map((id) => `<input id="${id}">`)
    .join('');
});
afterEach(() => vi.unstubAllGlobals());

describe('sandbox card fields adapter', () => {
  it('posts the card to the tokenize URL and returns the nonce', async () => {
    const fetchMock = stubFetch({
      [`POST ${URL}`]: () =>
        json(200, {
          nonce: 'tokencc_sb_1',
          type: 'CreditCard',
          description: 'ending in 11',
          details: { cardType: 'Visa', lastFour: '1111', lastTwo: '11', bin: '411111' },
        }),
    });
    const fields = await mounted();
    fill('4111 1111 1111 1111');
    await expect(fields.tokenize(REQUEST)).resolves.toEqual({
      nonce: 'tokencc_sb_1',
      details: { cardType: 'Visa', lastFour: '1111' },
    });
    expect(JSON.parse(String(fetchMock.mock.calls[0][1]?.body))).toEqual({
      number: '4111 1111 1111 1111',
      expirationDate: '12/30',
      cvv: '123',
      cardholderName: 'Ada Lovelace',
    });
  });

  it('clears the inputs after tokenizing, whatever the answer', async () => {
    stubFetch({
      [`POST ${URL}`]: [
        () => json(200, { nonce: 'n', details: { cardType: 'Visa', lastFour: '1111' } }),
        () => json(500, {}),
      ],
    });
    const fields = await mounted();
    fill('4111111111111111');
    await fields.tokenize(REQUEST);
    expect(Object.values(IDS).map((id) => input(id).value)).toEqual(['', '', '']);
    fill('4111111111111111');
    await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({ code: 'tokenize_failed' });
    expect(Object.values(IDS).map((id) => input(id).value)).toEqual(['', '', '']);
  });

  it.each([
    ['81715', 'number'],
    ['81710', 'expirationDate'],
    ['81707', 'cvv'],
  ])('maps a 422 %s to an invalid %s field', async (code, field) => {
    stubFetch({ [`POST ${URL}`]: () => json(422, { error: { code, field, message: 'invalid' } }) });
    const fields = await mounted();
    fill('4111111111111112');
    const error = await fields.tokenize(REQUEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardFieldsError);
    expect(error).toMatchObject({ code: 'invalid_fields', fields: [field] });
  });

  it('names the empty fields without calling the emulator', async () => {
    const fetchMock = stubFetch({});
    const fields = await mounted();
    fill('4111111111111111', '', ' ');
    await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({
      code: 'invalid_fields',
      fields: ['expirationDate', 'cvv'],
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reports tokenize_failed when the emulator cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const fields = await mounted();
    fill('4111111111111111');
    await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({ code: 'tokenize_failed' });
    expect(input('card-number').value).toBe('');
  });

  it('reports load_failed when the inputs are missing or there is no tokenize URL', async () => {
    document.body.innerHTML = '<div id="card-number"></div>';
    await expect(createSandboxCardFields({ tokenizeUrl: URL }).mount(IDS)).rejects.toMatchObject({
      code: 'load_failed',
    });
    await expect(createSandboxCardFields({ tokenizeUrl: '' }).mount(IDS)).rejects.toMatchObject({
      code: 'load_failed',
    });
  });

  it('clears the inputs on teardown', async () => {
    const fields = await mounted();
    fill('4111111111111111');
    await fields.teardown();
    expect(input('card-number').value).toBe('');
  });

  it('maps an unexpected error answer to tokenize_failed', async () => {
    stubFetch({ [`POST ${URL}`]: () => apiError(503, 'unavailable') });
    const fields = await mounted();
    fill('4111111111111111');
    await expect(fields.tokenize(REQUEST)).rejects.toMatchObject({ code: 'tokenize_failed' });
  });
});
