import { mapException } from '../errors/all-exceptions.filter';
import { WebhookPayloadError } from './webhook-payload.error';
import { readWebhookPayload } from './webhook-payload.reader';

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookPayloadError);
    return (err as WebhookPayloadError).reason;
  }
  throw new Error('expected a WebhookPayloadError');
};

describe('readWebhookPayload', () => {
  const root = readWebhookPayload('zoho', {
    id: 460000000012345,
    name: 'Acme',
    empty: '',
    nothing: null,
    amount: '12.50',
    price: 9.99,
    data: { items: [{ qty: 2 }], bad: [{}, 'x'], deep: { n: 'NaN' } },
  });

  it('reads fields by type, with absent, null and "" as missing', () => {
    expect(root.id('id')).toBe('460000000012345');
    expect(root.string('name')).toBe('Acme');
    expect(root.optionalString('empty')).toBeUndefined();
    expect(root.optionalId('nothing')).toBeUndefined();
    expect(root.number('amount')).toBe(12.5);
    expect(root.decimal('amount')).toBe('12.50');
    expect(root.decimal('price')).toBe('9.99');
    expect(root.object('data').objects('items')[0].number('qty')).toBe(2);
    expect(root.objects('absent')).toEqual([]);
    expect(root.has('empty')).toBe(false);
  });

  it('names the field by its path in every failure', () => {
    expect(reason(() => readWebhookPayload('zoho', 'text'))).toBe('payload is not a JSON object (string)');
    expect(reason(() => root.string('empty'))).toBe('empty is missing');
    expect(reason(() => root.number('name'))).toBe('name is not a number (string)');
    expect(reason(() => root.string('id'))).toBe('id is not a string (number)');
    expect(reason(() => root.id('price'))).toBe('price is not an id (number)');
    expect(reason(() => root.object('data').objects('bad'))).toBe('data.bad[1] is not an object (string)');
    expect(reason(() => root.object('data').object('deep').number('n'))).toBe(
      'data.deep.n is not a number (string)',
    );
    expect(reason(() => root.objects('data'))).toBe('data is not an array (object)');
    expect(reason(() => root.object('name'))).toBe('name is not an object (string)');
  });

  it('is a 400 bad_request in the standard error shape, carrying platform and reason', () => {
    const error = new WebhookPayloadError('braintree', 'kind is missing');
    expect(mapException(error)).toEqual({
      status: 400,
      code: 'bad_request',
      message: 'braintree webhook payload: kind is missing',
      details: { platform: 'braintree', reason: 'kind is missing' },
    });
  });
});
