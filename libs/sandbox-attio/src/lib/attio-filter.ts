import { filterError } from './attio-error';
import type { AttributeModel, StoredValue } from './attio-model';

/**
 * Record query filters (https://docs.attio.com/rest-api/endpoint-reference/records and the attribute type
 * pages): `{slug: value}` shorthand means `$eq`; operators `$eq`, `$in`, `$contains`, `$starts_with`,
 * `$ends_with`, `$gt/$gte/$lt/$lte`, `$not_empty`; `$and`/`$or`/`$not` combine. A nested property name
 * (e.g. `{domains: {domain: {$eq: …}}}`, `{stage: {title: …}}`) filters on that property of the value.
 */
export interface FilterSubject {
  attribute(slug: string): AttributeModel | undefined;
  activeValues(attribute: AttributeModel): StoredValue[];
  /** Title of a select option / status id (so filters can use the title, as Attio allows). */
  titleOf(attribute: AttributeModel, value: StoredValue): string | undefined;
}

type Scalar = string | number | boolean;
const OPERATORS = new Set([
  '$eq',
  '$in',
  '$contains',
  '$starts_with',
  '$ends_with',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$not_empty',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The values a filter on the attribute compares against when no property is named. */
export function primaryCandidates(attribute: AttributeModel, v: StoredValue, title?: string): Scalar[] {
  switch (attribute.type) {
    case 'select':
      return [String(v['option']), ...(title ? [title] : [])];
    case 'status':
      return [String(v['status']), ...(title ? [title] : [])];
    case 'currency':
      return [v['currency_value'] as number];
    case 'domain':
      return [String(v['domain'])];
    case 'email-address':
      return [String(v['email_address'])];
    case 'personal-name':
      return [String(v['full_name'])];
    case 'record-reference':
      return [String(v['target_record_id'])];
    case 'actor-reference':
      return [String(v['referenced_actor_id'])];
    default:
      return [v['value'] as Scalar];
  }
}

function compare(op: string, candidate: Scalar, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      // Exact match (case sensitivity of Attio's $eq on text is UNCONFIRMED).
      return candidate === operand;
    case '$in':
      if (!Array.isArray(operand)) throw filterError('$in expects an array');
      return operand.some((o) => compare('$eq', candidate, o));
    case '$contains':
      return (
        typeof candidate === 'string' &&
        typeof operand === 'string' &&
        candidate.toLowerCase().includes(operand.toLowerCase())
      );
    case '$starts_with':
      return (
        typeof candidate === 'string' &&
        typeof operand === 'string' &&
        candidate.toLowerCase().startsWith(operand.toLowerCase())
      );
    case '$ends_with':
      return (
        typeof candidate === 'string' &&
        typeof operand === 'string' &&
        candidate.toLowerCase().endsWith(operand.toLowerCase())
      );
    case '$gt':
      return (operand as Scalar) !== undefined && candidate > (operand as Scalar);
    case '$gte':
      return candidate >= (operand as Scalar);
    case '$lt':
      return candidate < (operand as Scalar);
    case '$lte':
      return candidate <= (operand as Scalar);
    default:
      throw filterError(`Unknown filter operator "${op}".`);
  }
}

/** Does one value satisfy a condition (a bare operand or an operator object)? */
function valueMatches(candidates: Scalar[], condition: unknown): boolean {
  if (!isObject(condition)) return candidates.some((c) => compare('$eq', c, condition));
  return Object.entries(condition).every(([op, operand]) => {
    if (!OPERATORS.has(op)) throw filterError(`Unknown filter operator "${op}".`);
    if (op === '$not_empty') return operand ? candidates.length > 0 : candidates.length === 0;
    return candidates.some((c) => compare(op, c, operand));
  });
}

function attributeMatches(subject: FilterSubject, slug: string, condition: unknown): boolean {
  const attribute = subject.attribute(slug);
  if (!attribute) throw filterError(`Unknown attribute slug or ID "${slug}" in filter.`);
  const values = subject.activeValues(attribute);
  if (isObject(condition) && '$not_empty' in condition && Object.keys(condition).length === 1) {
    return condition['$not_empty'] ? values.length > 0 : values.length === 0;
  }
  const propertyKeys = isObject(condition) ? Object.keys(condition).filter((k) => !k.startsWith('$')) : [];
  if (propertyKeys.length && isObject(condition)) {
    // Property filter, e.g. {domains: {domain: {$eq: "a.com"}}} or {stage: {title: "Won"}}.
    return values.some((v) =>
      propertyKeys.every((prop) => {
        const raw = prop === 'title' ? subject.titleOf(attribute, v) : v[prop];
        if (raw === undefined || raw === null || typeof raw === 'object') {
          throw filterError(`Property "${prop}" cannot be filtered on attribute "${slug}".`);
        }
        return valueMatches([raw as Scalar], condition[prop]);
      }),
    );
  }
  const candidatesPerValue = values.map((v) =>
    primaryCandidates(attribute, v, subject.titleOf(attribute, v)),
  );
  if (candidatesPerValue.length === 0) return false;
  return candidatesPerValue.some((c) => valueMatches(c, condition));
}

export function matchesFilter(subject: FilterSubject, filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (!isObject(filter)) throw filterError('The filter must be an object.');
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition)) throw filterError(`${key} expects an array of filters.`);
      return key === '$and'
        ? condition.every((f) => matchesFilter(subject, f))
        : condition.some((f) => matchesFilter(subject, f));
    }
    if (key === '$not') return !matchesFilter(subject, condition);
    if (key.startsWith('$')) throw filterError(`Unknown filter operator "${key}".`);
    return attributeMatches(subject, key, condition);
  });
}
