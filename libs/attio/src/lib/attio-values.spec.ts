import type { AttioRecord, AttioValue } from './attio.types';
import {
  attioValue,
  currentNumber,
  currentScalars,
  currentText,
  currentValue,
  currentValues,
} from './attio-values';

const value = (over: Partial<AttioValue>): AttioValue => ({
  active_from: '2026-01-01T00:00:00.000000000Z',
  active_until: null,
  created_by_actor: { type: 'api-token', id: 'token' },
  attribute_type: 'text',
  ...over,
});
const record = (values: AttioRecord['values']): Pick<AttioRecord, 'values'> => ({ values });

describe('Attio value helpers', () => {
  const r = record({
    status: [
      value({ value: 'trial', active_until: '2026-02-01T00:00:00.000000000Z' }),
      value({ value: 'live', active_from: '2026-02-01T00:00:00.000000000Z' }),
    ],
    seats: [value({ attribute_type: 'number', value: 12 })],
    tier: [value({ attribute_type: 'select', option: { id: { option_id: 'o1' }, title: 'Gold' } })],
    stage: [value({ attribute_type: 'status', status: { id: { status_id: 's1' }, title: 'Won 🎉' } })],
    domains: [
      value({ attribute_type: 'domain', domain: 'a.com' }),
      value({ attribute_type: 'domain', domain: 'b.com' }),
    ],
  });

  it('reads only values with active_until null', () => {
    expect(currentValues(r, 'status').map((v) => v.value)).toEqual(['live']);
    expect(currentText(r, 'status')).toBe('live');
    expect(currentValue(r, 'missing')).toBeUndefined();
  });

  it('turns typed values into scalars', () => {
    expect(currentNumber(r, 'seats')).toBe(12);
    expect(currentText(r, 'tier')).toBe('Gold');
    expect(currentText(r, 'stage')).toBe('Won 🎉');
    expect(currentScalars(r, 'domains')).toEqual(['a.com', 'b.com']);
    expect(currentNumber(r, 'status')).toBeUndefined();
  });

  it('picks the newest when several values are active', () => {
    const two = record({
      x: [value({ value: 'old' }), value({ value: 'new', active_from: '2026-03-01T00:00:00.000000000Z' })],
    });
    expect(currentText(two, 'x')).toBe('new');
  });

  it('builds write values in Attio input format', () => {
    expect(attioValue.timestamp(new Date('2026-05-01T10:00:00Z'))).toEqual({
      value: '2026-05-01T10:00:00.000Z',
    });
    expect(attioValue.currency(9.5, 'EUR')).toEqual({ currency_value: 9.5, currency_code: 'EUR' });
    expect(attioValue.select('Gold')).toEqual({ option: 'Gold' });
    expect(attioValue.status('Lead')).toEqual({ status: 'Lead' });
    expect(attioValue.recordReference('people', 'r1')).toEqual({
      target_object: 'people',
      target_record_id: 'r1',
    });
  });
});
