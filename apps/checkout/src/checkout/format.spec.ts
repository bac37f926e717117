import { formatInterval, formatPrice, threeDSecureAmount } from './format';

describe('formatPrice', () => {
  it.each(['USD', 'EUR', 'GBP'])('formats %s by hand exactly as Intl does in English', (currency) => {
    const intl = new Intl.NumberFormat('en', { style: 'currency', currency });
    for (const amount of [0, 0.5, 9.99, 49, 1234.5, 1234567.891, -12]) {
      expect(formatPrice(amount, currency)).toBe(intl.format(amount));
    }
  });

  it('uses Intl for other currencies and survives an unknown code', () => {
    expect(formatPrice(1000, 'JPY')).toBe('¥1,000');
    expect(formatPrice(49, 'NOPE1')).toBe('49.00 NOPE1');
  });
});

describe('formatInterval and threeDSecureAmount', () => {
  it('words the billing interval', () => {
    expect(formatInterval(1, 'months')).toBe('per month');
    expect(formatInterval(3, 'months')).toBe('every 3 months');
    expect(formatInterval(1, 'years')).toBe('per year');
  });

  it('gives 3-D Secure a two-decimal amount, 0.00 without a plan', () => {
    expect(
      threeDSecureAmount({
        code: 'p',
        name: 'P',
        price: 49,
        currency: 'USD',
        interval: 1,
        intervalUnit: 'months',
      }),
    ).toBe('49.00');
    expect(threeDSecureAmount(undefined)).toBe('0.00');
  });
});
