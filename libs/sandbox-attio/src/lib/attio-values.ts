import { AttioApiError, validationType, valueNotFound } from './attio-error';
import type { AttributeModel, StoredValue } from './attio-model';

/**
 * Turning written values into stored ones, per attribute type. Input forms follow the docs' attribute
 * type pages (https://docs.attio.com/docs/attribute-types/…): a bare string/number/boolean or the object
 * form (`{value}`, `{option}`, `{status}`, `{domain}`, `{email_address}`, `{currency_value}`, …).
 * Each function returns only the type-specific fields; the caller adds active_from/until, actor, type.
 */
export type TypedFields = Record<string, unknown>;

/** Context needed to resolve select options, statuses and record references. */
export interface ValueContext {
  recordExists(targetObject: string, recordId: string): boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(attribute: AttributeModel, detail: string): AttioApiError {
  return validationType(`Invalid value for attribute "${attribute.api_slug}": ${detail}`);
}

/** `2023-01-02T13:00:00.000Z` → `2023-01-02T13:00:00.000000000Z` (Attio returns nanosecond precision). */
export function attioTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function parseTimestamp(attribute: AttributeModel, raw: string): string {
  // Attio coerces partial timestamps ("2023", "2023-01-02T13:00") and assumes UTC (types.gen.ts docs).
  const m =
    /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      raw.trim(),
    );
  if (!m) throw bad(attribute, `"${raw}" is not an ISO 8601 timestamp`);
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', tz = 'Z'] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${(frac + '000').slice(0, 3)}${tz}`);
  if (Number.isNaN(ms)) throw bad(attribute, `"${raw}" is not a valid timestamp`);
  const nanos = (frac + '000000000').slice(0, 9);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`);
}

function parseDate(attribute: AttributeModel, raw: string): string {
  const trimmed = raw.trim();
  if (/^\d{4}(-\d{2})?(-\d{2})?$/.test(trimmed)) {
    const [y, mo = '01', d = '01'] = trimmed.split('-');
    return `${y}-${mo}-${d}`;
  }
  // With a time and zone, Attio converts to UTC and then trims the time (types.gen.ts docs).
  return parseTimestamp(attribute, trimmed).slice(0, 10);
}

function rootDomain(domain: string): string {
  const parts = domain.split('.');
  return parts.length <= 2 ? domain : parts.slice(-2).join('.');
}

function pick<T>(attribute: AttributeModel, input: unknown, key: string, check: (v: unknown) => v is T): T {
  const v = isObject(input) ? input[key] : input;
  if (!check(v)) throw bad(attribute, `expected ${key === 'value' ? 'a value' : key} of the right type`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function parseInputValue(attribute: AttributeModel, input: unknown, ctx: ValueContext): TypedFields {
  switch (attribute.type) {
    case 'text':
      return { value: pick(attribute, input, 'value', isString) };
    case 'number': {
      const raw = isObject(input) ? input['value'] : input;
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (!isNumber(n)) throw bad(attribute, 'expected a number');
      return { value: n };
    }
    case 'checkbox': {
      const raw = isObject(input) ? input['value'] : input;
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      if (typeof raw !== 'boolean') throw bad(attribute, 'expected a boolean');
      return { value: raw };
    }
    case 'currency': {
      const raw = isObject(input) ? input['currency_value'] : input;
      if (!isNumber(raw)) throw bad(attribute, 'expected currency_value as a number');
      const code =
        isObject(input) && isString(input['currency_code'])
          ? input['currency_code']
          : (attribute.config.currency.default_currency_code ?? 'USD');
      return { currency_value: raw, currency_code: code };
    }
    case 'date':
      return { value: parseDate(attribute, pick(attribute, input, 'value', isString)) };
    case 'timestamp':
      return { value: parseTimestamp(attribute, pick(attribute, input, 'value', isString)) };
    case 'select': {
      const ref = pick(attribute, input, 'option', isString);
      const option = attribute.options.find((o) => o.id.option_id === ref || o.title === ref);
      // Attio answers an error rather than creating an option (docs attribute-types-select).
      if (!option)
        throw valueNotFound(`Select option "${ref}" not found on attribute "${attribute.api_slug}".`);
      return { option: option.id.option_id };
    }
    case 'status': {
      const ref = pick(attribute, input, 'status', isString);
      const status = attribute.statuses.find((s) => s.id.status_id === ref || s.title === ref);
      if (!status) throw valueNotFound(`Status "${ref}" not found on attribute "${attribute.api_slug}".`);
      return { status: status.id.status_id };
    }
    case 'domain': {
      const raw = pick(attribute, input, 'domain', isString).trim().toLowerCase();
      const domain = raw
        .replace(/^https?:\/\//, '')
        .replace(/\/.*$/, '')
        .replace(/^www\./, '');
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw bad(attribute, `"${raw}" is not a domain`);
      return { domain, root_domain: rootDomain(domain) };
    }
    case 'email-address': {
      const original = pick(attribute, input, 'email_address', isString).trim();
      const m = /^([^@\s]+)@([^@\s]+\.[^@\s]+)$/.exec(original);
      if (!m) throw bad(attribute, `"${original}" is not an email address`);
      const domain = m[2].toLowerCase();
      return {
        original_email_address: original,
        email_address: original.toLowerCase(),
        email_domain: domain,
        email_root_domain: rootDomain(domain),
        email_local_specifier: m[1].toLowerCase().split('+')[0],
      };
    }
    case 'personal-name': {
      if (isString(input)) {
        // UNCONFIRMED parsing rule: "Last, First" or "First Last".
        const [a, b] = input.includes(',') ? input.split(',').map((s) => s.trim()) : [];
        const first = b ?? input.trim().split(/\s+/)[0] ?? '';
        const last = a ?? input.trim().split(/\s+/).slice(1).join(' ');
        return { first_name: first, last_name: last, full_name: `${first} ${last}`.trim() };
      }
      if (!isObject(input)) throw bad(attribute, 'expected a name');
      const first = isString(input['first_name']) ? input['first_name'] : '';
      const last = isString(input['last_name']) ? input['last_name'] : '';
      const full = isString(input['full_name']) ? input['full_name'] : `${first} ${last}`.trim();
      return { first_name: first, last_name: last, full_name: full };
    }
    case 'record-reference': {
      if (!isObject(input) || !isString(input['target_object']) || !isString(input['target_record_id'])) {
        throw bad(attribute, 'expected {target_object, target_record_id}');
      }
      if (!ctx.recordExists(input['target_object'], input['target_record_id'])) {
        throw valueNotFound(`Referenced record ${input['target_record_id']} was not found.`);
      }
      return { target_object: input['target_object'], target_record_id: input['target_record_id'] };
    }
    case 'actor-reference':
      throw bad(attribute, 'actor-reference values are not writable in the sandbox');
  }
}

/** A string that is equal for two values Attio would consider the same (uniqueness, dedupe, no-op writes). */
export function valueKey(v: StoredValue | (TypedFields & { attribute_type: string })): string {
  switch (v.attribute_type) {
    case 'currency':
      return `${String(v['currency_value'])} ${String(v['currency_code'])}`;
    case 'select':
      return String(v['option']);
    case 'status':
      return String(v['status']);
    case 'domain':
      return String(v['domain']);
    case 'email-address':
      return String(v['email_address']);
    case 'personal-name':
      return `${String(v['first_name'])}|${String(v['last_name'])}|${String(v['full_name'])}`;
    case 'record-reference':
      return `${String(v['target_object'])}/${String(v['target_record_id'])}`;
    case 'actor-reference':
      return `${String(v['referenced_actor_type'])}/${String(v['referenced_actor_id'])}`;
    default:
      return JSON.stringify(v['value']);
  }
}

/** Normalises the `values` map entry to a list: single values may be sent bare, multiselect as arrays. */
export function asValueList(attribute: AttributeModel, raw: unknown): unknown[] {
  if (raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!attribute.is_multiselect && list.length > 1) {
    throw validationType(`Attribute "${attribute.api_slug}" accepts a single value, got ${list.length}.`);
  }
  return list;
}
