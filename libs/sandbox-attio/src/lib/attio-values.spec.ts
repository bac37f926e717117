import { AttioApiError } from './attio-error';
import type { AttributeModel, AttributeType } from './attio-model';
import { buildAttribute, buildObject } from './attio-seed';
import { attioTimestamp, parseInputValue, valueKey } from './attio-values';

const object = buildObject('ws', 'companies', 'Company', 'Companies', '2026-01-01T00:00:00.000000000Z');
const attributeOf = (type: AttributeType, over: Partial<AttributeModel> = {}): AttributeModel => ({
  ...buildAttribute(object, { title: type, api_slug: type.replace('-', '_'), type, options: ['Gold'] }, 'x'),
  ...over,
});
const ctx = { recordExists: (_o: string, id: string) => id === 'known' };
const parse = (type: AttributeType, input: unknown) => parseInputValue(attributeOf(type), input, ctx);

describe('Attio value parsing', () => {
  it('coerces partial timestamps to UTC with nanosecond precision', () => {
    expect(parse('timestamp', '2023')).toEqual({ value: '2023-01-01T00:00:00.000000000Z' });
    expect(parse('timestamp', '2023-01-02T13:00')).toEqual({ value: '2023-01-02T13:00:00.000000000Z' });
    expect(parse('timestamp', '2023-01-02T13:00:00.000000000+02:00')).toEqual({
      value: '2023-01-02T11:00:00.000000000Z',
    });
    expect(attioTimestamp(new Date('2026-01-01T00:00:00.123Z'))).toBe('2026-01-01T00:00:00.123000000Z');
  });

  it('coerces dates and trims times after converting to UTC', () => {
    expect(parse('date', '2023-01')).toEqual({ value: '2023-01-01' });
    expect(parse('date', { value: '2023-01-02T15:00:00.000000000+02:00' })).toEqual({ value: '2023-01-02' });
    expect(parse('date', '2023-01-02T23:00:00-10:00')).toEqual({ value: '2023-01-03' });
  });

  it('normalises domains and emails', () => {
    expect(parse('domain', 'https://WWW.App.Example.co/x')).toEqual({
      domain: 'app.example.co',
      root_domain: 'example.co',
    });
    expect(parse('email-address', 'Jo+billing@Example.com')).toEqual({
      original_email_address: 'Jo+billing@Example.com',
      email_address: 'jo+billing@example.com',
      email_domain: 'example.com',
      email_root_domain: 'example.com',
      email_local_specifier: 'jo',
    });
  });

  it('accepts the bare and the object form, and "true"/"false" for checkboxes', () => {
    expect(parse('text', 'a')).toEqual(parse('text', { value: 'a' }));
    expect(parse('number', '12')).toEqual({ value: 12 });
    expect(parse('checkbox', 'false')).toEqual({ value: false });
    expect(parse('currency', 10)).toEqual({ currency_value: 10, currency_code: 'USD' });
  });

  it('rejects unknown select options and references to missing records', () => {
    expect(() => parse('select', 'Platinum')).toThrow(AttioApiError);
    expect(() =>
      parse('record-reference', { target_object: 'companies', target_record_id: 'missing' }),
    ).toThrow(/not found/);
    expect(parse('record-reference', { target_object: 'companies', target_record_id: 'known' })).toEqual({
      target_object: 'companies',
      target_record_id: 'known',
    });
  });

  it('gives equal keys to values Attio treats as the same', () => {
    const a = { ...parse('domain', 'www.acme.com'), attribute_type: 'domain' };
    const b = { ...parse('domain', 'https://acme.com/'), attribute_type: 'domain' };
    expect(valueKey(a)).toBe(valueKey(b));
  });
});
