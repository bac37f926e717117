/**
 * Formats Zoho Billing uses on the wire. Dates are `YYYY-MM-DD`; timestamps look like
 * `2016-06-05T02:30:08-0700` (examples throughout the OpenAPI files in specs/zoho-billing). The emulator's
 * organization runs in UTC, so offsets are always `+0000`.
 */
export function zohoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function zohoTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+0000`;
}

/** Parses `YYYY-MM-DD` as midnight UTC; undefined when malformed. */
export function parseZohoDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || zohoDate(d) !== value ? undefined : d;
}

/** Adds whole months or years, clamping the day (Jan 31 + 1 month = Feb 28/29), as billing systems do. */
export function addInterval(from: Date, interval: number, unit: 'months' | 'years' | 'weeks' | 'days'): Date {
  const d = new Date(from.getTime());
  if (unit === 'days') return new Date(d.getTime() + interval * 86_400_000);
  if (unit === 'weeks') return new Date(d.getTime() + interval * 7 * 86_400_000);
  const months = unit === 'years' ? interval * 12 : interval;
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * 86_400_000);
}

/** Money in the currency's minor unit precision (2 decimals for the currencies emulated). */
export function money(n: number): number {
  return Math.round(n * 100) / 100;
}

export const CURRENCY_SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: '$', AUD: '$' };
