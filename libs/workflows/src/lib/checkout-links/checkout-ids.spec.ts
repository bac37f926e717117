import { braintreeCustomerIdFor, cardTokenFor, subscriptionReferenceFor } from './checkout-ids';

describe('ids we choose for idempotency', () => {
  const record = '2b1f4d8e-8b0a-4c55-9d2e-3f6a7b8c9d01';

  it('are deterministic and within Braintree limits (36 characters, letters digits - _)', () => {
    for (const id of [braintreeCustomerIdFor(record), cardTokenFor(record)]) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{1,36}$/);
    }
    expect(braintreeCustomerIdFor(record)).toBe('at_2b1f4d8e8b0a4c559d2e3f6a7b8c9d01');
    expect(braintreeCustomerIdFor(record)).toBe(braintreeCustomerIdFor(record.toUpperCase()));
    expect(cardTokenFor(record)).not.toBe(braintreeCustomerIdFor(record));
    expect(subscriptionReferenceFor(record)).toBe(`attio:${record}`);
  });
});
