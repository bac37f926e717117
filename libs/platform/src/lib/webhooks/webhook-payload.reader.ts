import type { Platform } from '../errors/upstream-error';
import { WebhookPayloadError } from './webhook-payload.error';

/** Decimal numerals as platforms write amounts in JSON strings (`"12.50"`, `"-3"`). */
const DECIMAL = /^-?\d+(\.\d+)?$/;

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * A JSON object of a stored webhook payload (untrusted), read field by field. Every failure is a
 * WebhookPayloadError whose reason names the field by its path in the payload (`data.invoice.balance is
 * not a number (string)`), so a dead letter says what was wrong without showing the value. Absent, `null`
 * and `""` all count as missing.
 */
export class PayloadObject {
  constructor(
    readonly platform: Platform,
    readonly fields: Readonly<Record<string, unknown>>,
    /** Where this object sits in the payload (`''` for the root). */
    readonly path = '',
  ) {}

  /** The path of one of this object's fields. */
  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** Throws the WebhookPayloadError for one of this object's fields: `<path> <problem>`. */
  fail(key: string, problem: string): never {
    throw new WebhookPayloadError(this.platform, `${this.at(key)} ${problem}`);
  }

  has(key: string): boolean {
    return !absent(this.fields[key]);
  }

  object(key: string): PayloadObject {
    return this.optionalObject(key) ?? this.fail(key, 'is missing');
  }

  optionalObject(key: string): PayloadObject | undefined {
    const v = this.fields[key];
    if (absent(v)) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(key, `is not an object (${kindOf(v)})`);
    return new PayloadObject(this.platform, v as Record<string, unknown>, this.at(key));
  }

  /** An array of objects; an absent array is empty. */
  objects(key: string): PayloadObject[] {
    const v = this.fields[key];
    if (absent(v)) return [];
    if (!Array.isArray(v)) return this.fail(key, `is not an array (${kindOf(v)})`);
    return v.map((item: unknown, i) => {
      const path = `${this.at(key)}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new WebhookPayloadError(this.platform, `${path} is not an object (${kindOf(item)})`);
      }
      return new PayloadObject(this.platform, item as Record<string, unknown>, path);
    });
  }

  string(key: string): string {
    return this.optionalString(key) ?? this.fail(key, 'is missing');
  }

  optionalString(key: string): string | undefined {
    const v = this.fields[key];
    if (absent(v)) return undefined;
    if (typeof v !== 'string') return this.fail(key, `is not a string (${kindOf(v)})`);
    return v;
  }

  /** An id: a string, or a whole number (some platforms send ids as JSON numbers), as a string. */
  id(key: string): string {
    return this.optionalId(key) ?? this.fail(key, 'is missing');
  }

  optionalId(key: string): string | undefined {
    const v = this.fields[key];
    if (absent(v)) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    return this.fail(key, `is not an id (${kindOf(v)})`);
  }

  /** A finite number, or a decimal numeral in a string (`"12.50"`). */
  number(key: string): number {
    return this.optionalNumber(key) ?? this.fail(key, 'is missing');
  }

  optionalNumber(key: string): number | undefined {
    const v = this.fields[key];
    if (absent(v)) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && DECIMAL.test(v.trim())) return Number(v);
    return this.fail(key, `is not a number (${kindOf(v)})`);
  }

  /** An amount kept exactly as the platform wrote it (`"25.00"`); a finite JSON number is turned into one. */
  decimal(key: string): string {
    return this.optionalDecimal(key) ?? this.fail(key, 'is missing');
  }

  optionalDecimal(key: string): string | undefined {
    const v = this.fields[key];
    if (absent(v)) return undefined;
    if (typeof v === 'string' && DECIMAL.test(v.trim())) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return this.fail(key, `is not a decimal amount (${kindOf(v)})`);
  }
}

/** The root of a stored webhook payload (not a JSON object → `payload is not a JSON object`). */
export function readWebhookPayload(platform: Platform, payload: unknown): PayloadObject {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new WebhookPayloadError(platform, `payload is not a JSON object (${kindOf(payload)})`);
  }
  return new PayloadObject(platform, payload as Record<string, unknown>);
}
