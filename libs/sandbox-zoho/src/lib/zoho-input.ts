import { invalid } from './zoho-errors';
import type { ZohoCustomField } from './zoho-state';

/**
 * Reading request bodies the way Zoho accepts them: numbers may come as strings, booleans as "true"/"false",
 * custom fields as `[{label|api_name, value}]`. Shared by the service and the change handlers.
 */
export type Body = Record<string, unknown>;

export const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

export const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export const bool = (v: unknown, fallback: boolean): boolean =>
  typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : fallback;

export function required(body: Body, field: string): string {
  const v = str(body[field]).trim();
  if (!v) throw invalid(`${field} is required. Please enter a valid value for ${field}.`);
  return v;
}

export function customFields(v: unknown): ZohoCustomField[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid('Invalid value passed for custom_fields');
  return v.map((f: unknown, index) => {
    const o = (f ?? {}) as Body;
    const label = str(o['label']) || str(o['api_name']);
    if (!label) throw invalid('Invalid value passed for custom_fields: each field needs a label');
    return { index, label, value: str(o['value']), data_type: 'string' };
  });
}

export function termsLabel(days: number): string {
  return days === 0 ? 'Due on Receipt' : `Net ${days}`;
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
