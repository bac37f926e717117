import type { OpsEventState, OpsMismatchClass, OpsPlatform } from '@aia/contracts';

export const PLATFORM_NAMES: Record<OpsPlatform, string> = {
  attio: 'Attio',
  zoho: 'Zoho Billing',
  braintree: 'Braintree',
};

export const STATE_NAMES: Record<OpsEventState, string> = {
  pending: 'Pending',
  processing: 'Processing',
  retrying: 'Retrying',
  done: 'Done',
  ignored: 'Ignored',
  dead: 'Dead letter',
  discarded: 'Discarded',
};

/** Colours for the charts and state badges; each passes 3:1 against white (WCAG non-text contrast). */
export const STATE_COLOURS: Record<OpsEventState, string> = {
  pending: '#8250df',
  processing: '#0969da',
  retrying: '#bf8700',
  done: '#1a7f37',
  ignored: '#6e7781',
  dead: '#cf222e',
  discarded: '#953800',
};

export const MISMATCH_NAMES: Record<OpsMismatchClass, string> = {
  ok: 'Agrees',
  charged_not_recorded: 'Charged, not recorded in Zoho',
  recorded_without_charge: 'Recorded in Zoho without a charge',
  charged_twice: 'Charged twice',
  unpaid_past_due: 'Unpaid past due',
  attio_stale: 'Attio shows an old status',
};

/** What a person does about a mismatch the service does not heal on its own. */
export const MISMATCH_ADVICE: Record<OpsMismatchClass, string> = {
  ok: '',
  charged_not_recorded: 'Record the payment in Zoho.',
  recorded_without_charge:
    'A person must act: check the Zoho payment against Braintree and remove it or collect the money.',
  charged_twice: 'A person must act: refund the extra sale in Braintree (never refunded automatically).',
  unpaid_past_due: 'A person must act: contact the customer or send a card-update link.',
  attio_stale: 'Rewrite the payment status on the Attio record.',
};

export const EVENTS_RETRYABLE: readonly OpsEventState[] = ['dead', 'discarded', 'ignored'];
export const EVENTS_DISCARDABLE: readonly OpsEventState[] = ['pending', 'retrying', 'dead'];

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export function formatHour(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${String(d.getUTCHours()).padStart(2, '0')}:00`;
}

export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'none waiting';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

export function formatMoney(amount: string | number, currency: string): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}

/** `YYYY-MM-DD` of a date in UTC (the API's dates are UTC days). */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The last `days` days up to today, as the date inputs show them. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  return { from: isoDay(new Date(now.getTime() - (days - 1) * 86_400_000)), to: isoDay(now) };
}
