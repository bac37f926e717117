import type { AttioRecord, AttioValue } from './attio.types';

/**
 * Reading Attio values: every attribute is an array of value versions, and the current ones are those
 * with `active_until: null` (https://docs.attio.com/docs/attribute-types/attribute-types-text). Record
 * reads return only active values, but the history endpoint and webhook-driven re-reads may not, so the
 * helpers always filter.
 */
export function currentValues(record: Pick<AttioRecord, 'values'>, attribute: string): AttioValue[] {
  return (record.values[attribute] ?? []).filter((v) => v.active_until === null);
}

/** The current value of a single-valued attribute (the newest active one if several are active). */
export function currentValue(record: Pick<AttioRecord, 'values'>, attribute: string): AttioValue | undefined {
  const active = currentValues(record, attribute);
  return active.length ? active.reduce((a, b) => (b.active_from > a.active_from ? b : a)) : undefined;
}

/** A text/number/checkbox/date/timestamp value's primitive; select/status titles; domain/email strings. */
export function scalarOf(value: AttioValue | undefined): string | number | boolean | undefined {
  if (!value) return undefined;
  switch (value.attribute_type) {
    case 'select':
      return value.option?.title;
    case 'status':
      return value.status?.title;
    case 'currency':
      return value.currency_value;
    case 'domain':
      return value.domain;
    case 'email-address':
      return value.email_address;
    case 'personal-name':
      return value.full_name;
    case 'record-reference':
      return value.target_record_id;
    default:
      return value.value;
  }
}

/** "The current value of attribute X" as text, or undefined when unset. */
export function currentText(record: Pick<AttioRecord, 'values'>, attribute: string): string | undefined {
  const v = scalarOf(currentValue(record, attribute));
  return v === undefined ? undefined : String(v);
}

export function currentNumber(record: Pick<AttioRecord, 'values'>, attribute: string): number | undefined {
  const v = scalarOf(currentValue(record, attribute));
  return typeof v === 'number' ? v : undefined;
}

/** Every current value of a multiselect attribute, as scalars (option titles, domains, …). */
export function currentScalars(
  record: Pick<AttioRecord, 'values'>,
  attribute: string,
): Array<string | number | boolean> {
  return currentValues(record, attribute)
    .map(scalarOf)
    .filter((v): v is string | number | boolean => v !== undefined);
}

/** Builders for the write side; a bare value is valid for most types, these only make intent explicit. */
export const attioValue = {
  text: (value: string) => ({ value }),
  number: (value: number) => ({ value }),
  checkbox: (value: boolean) => ({ value }),
  /** Timestamps are written as ISO 8601; Attio stores UTC with nanosecond precision. */
  timestamp: (value: Date | string) => ({ value: value instanceof Date ? value.toISOString() : value }),
  date: (value: string) => ({ value }),
  currency: (amount: number, currencyCode: string) => ({
    currency_value: amount,
    currency_code: currencyCode,
  }),
  /** Select option by title or option id. */
  select: (titleOrId: string) => ({ option: titleOrId }),
  /** Status by title or status id; a title that does not exist is an error (docs attribute-types-status). */
  status: (titleOrId: string) => ({ status: titleOrId }),
  recordReference: (targetObject: string, targetRecordId: string) => ({
    target_object: targetObject,
    target_record_id: targetRecordId,
  }),
};
