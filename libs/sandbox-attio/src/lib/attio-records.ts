import { randomUUID } from 'node:crypto';
import {
  AttioApiError,
  matchingAttributeNotUnique,
  missingValue,
  uniquenessConflict,
  validationType,
} from './attio-error';
import { matchesFilter, primaryCandidates } from './attio-filter';
import type { Actor, AttributeModel, ObjectModel, RecordModel, StoredValue } from './attio-model';
import type { AttioState, RecordChange } from './attio-state';
import { asValueList, parseInputValue, TypedFields, valueKey } from './attio-values';

/**
 * How a write treats multiselect attributes (https://docs.attio.com/rest-api/endpoint-reference/records):
 * create/put overwrite them, patch appends, assert appends to the matching attribute and overwrites others.
 */
export type WriteMode = 'create' | 'patch' | 'put' | 'assert';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface QueryBody {
  filter?: unknown;
  sorts?: Array<{ attribute?: string; direction?: string; field?: string }>;
  limit?: number;
  offset?: number;
}

/** Record reads and writes with Attio's value history: a replaced value gets `active_until`, never deleted. */
export class AttioRecords {
  constructor(
    private readonly state: AttioState,
    private readonly onChange: (change: RecordChange) => void,
  ) {}

  // ---- reading ------------------------------------------------------------------------------------

  activeValues(record: RecordModel, attribute: AttributeModel): StoredValue[] {
    return (record.values[attribute.id.attribute_id] ?? []).filter((v) => v.active_until === null);
  }

  /** A value as Attio returns it: select/status values carry the whole option/status object. */
  renderValue(attribute: AttributeModel, v: StoredValue): Record<string, unknown> {
    if (attribute.type === 'select') {
      return { ...v, option: attribute.options.find((o) => o.id.option_id === v['option']) };
    }
    if (attribute.type === 'status') {
      return { ...v, status: attribute.statuses.find((s) => s.id.status_id === v['status']) };
    }
    return { ...v };
  }

  render(record: RecordModel): Record<string, unknown> {
    const object = this.state.object(record.id.object_id);
    const values: Record<string, unknown[]> = {};
    for (const attribute of this.state.attributesOf(object)) {
      values[attribute.api_slug] = this.activeValues(record, attribute).map((v) =>
        this.renderValue(attribute, v),
      );
    }
    return {
      id: record.id,
      created_at: record.created_at,
      web_url: `https://app.attio.com/sandbox/${object.singular_noun.toLowerCase()}/${record.id.record_id}`,
      values,
    };
  }

  /** GET …/attributes/{attribute}/values — newest first is UNCONFIRMED; the sandbox returns write order. */
  history(record: RecordModel, attribute: AttributeModel, showHistoric: boolean): Record<string, unknown>[] {
    const all = record.values[attribute.id.attribute_id] ?? [];
    return (showHistoric ? all : all.filter((v) => v.active_until === null)).map((v) =>
      this.renderValue(attribute, v),
    );
  }

  query(object: ObjectModel, body: QueryBody): RecordModel[] {
    const subject = (record: RecordModel) => ({
      attribute: (slug: string) => this.state.findAttribute(object, slug),
      activeValues: (a: AttributeModel) => this.activeValues(record, a),
      titleOf: (a: AttributeModel, v: StoredValue) =>
        a.type === 'select'
          ? a.options.find((o) => o.id.option_id === v['option'])?.title
          : a.type === 'status'
            ? a.statuses.find((s) => s.id.status_id === v['status'])?.title
            : undefined,
    });
    const limit = body.limit ?? 500;
    const offset = body.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0) {
      throw validationType('limit and offset must be non-negative integers.');
    }
    let rows = this.state.recordsOf(object).filter((r) => matchesFilter(subject(r), body.filter));
    const sorts = body.sorts ?? [];
    if (!Array.isArray(sorts)) throw validationType('sorts must be an array.');
    if (sorts.length) {
      const keyed = sorts.map((s) => {
        if (typeof s.attribute !== 'string') throw validationType('Each sort needs an attribute.');
        const attribute = this.state.findAttribute(object, s.attribute);
        if (!attribute) throw validationType(`Unknown sort attribute "${s.attribute}".`);
        return { attribute, dir: s.direction === 'desc' ? -1 : 1, field: s.field };
      });
      const sortKey = (r: RecordModel, a: AttributeModel, field?: string) => {
        const v = this.activeValues(r, a)[0];
        if (!v) return undefined;
        return field ? (v[field] as string | number) : primaryCandidates(a, v).at(-1);
      };
      rows = [...rows].sort((x, y) => {
        for (const k of keyed) {
          const a = sortKey(x, k.attribute, k.field);
          const b = sortKey(y, k.attribute, k.field);
          if (a === b) continue;
          if (a === undefined) return 1; // empty values last
          if (b === undefined) return -1;
          return (a < b ? -1 : 1) * k.dir;
        }
        return 0;
      });
    }
    return rows.slice(offset, offset + limit);
  }

  // ---- writing ------------------------------------------------------------------------------------

  create(object: ObjectModel, body: unknown, actor: Actor): RecordModel {
    const values = this.valuesOf(body);
    const now = this.state.timestamp();
    const recordId = randomUUID();
    const record: RecordModel = {
      id: { workspace_id: this.state.workspaceId, object_id: object.id.object_id, record_id: recordId },
      created_at: now,
      values: {},
    };
    const planned = this.plan(object, record, values, 'create');
    for (const a of this.state.attributesOf(object)) {
      if (a.is_required && !planned.has(a.id.attribute_id)) {
        throw missingValue(`Required value for attribute "${a.api_slug}" was not provided.`);
      }
    }
    this.apply(record, planned, 'create', actor, now);
    this.setSystemValues(object, record, actor, now);
    this.state.records.set(recordId, record);
    this.onChange({ event: 'record.created', object, record, actor });
    return record;
  }

  update(
    object: ObjectModel,
    record: RecordModel,
    body: unknown,
    mode: 'patch' | 'put',
    actor: Actor,
  ): RecordModel {
    const planned = this.plan(object, record, this.valuesOf(body), mode);
    this.commitUpdate(object, record, planned, mode, actor);
    return record;
  }

  /** PUT /v2/objects/{object}/records?matching_attribute=… (https://docs.attio.com/api-reference/records/assert-a-record). */
  assert(object: ObjectModel, matching: string | undefined, body: unknown, actor: Actor): RecordModel {
    if (!matching) throw validationType('The matching_attribute query parameter is required.');
    const attribute = this.state.attribute(object, matching);
    if (!attribute.is_unique) throw matchingAttributeNotUnique();
    const values = this.valuesOf(body);
    const raw = values[attribute.api_slug] ?? values[attribute.id.attribute_id];
    if (raw === undefined) {
      throw missingValue(`A value for the matching attribute "${attribute.api_slug}" must be provided.`);
    }
    const keys = asValueList(attribute, raw).map((v) =>
      valueKey({ ...parseInputValue(attribute, v, this.ctx()), attribute_type: attribute.type }),
    );
    const matches = this.state
      .recordsOf(object)
      .filter((r) => this.activeValues(r, attribute).some((v) => keys.includes(valueKey(v))));
    if (matches.length > 1) {
      // Code as in the OpenAPI file for list-entry assert (PutV2ListsByListEntriesErrors).
      throw new AttioApiError(
        400,
        'invalid_request_error',
        'multiple_match_results',
        'Multiple records match the matching attribute.',
      );
    }
    if (matches.length === 0) return this.create(object, body, actor);
    const record = matches[0];
    const planned = this.plan(object, record, values, 'assert');
    this.commitUpdate(object, record, planned, 'assert', actor, attribute.id.attribute_id);
    return record;
  }

  private commitUpdate(
    object: ObjectModel,
    record: RecordModel,
    planned: Map<string, TypedFields[]>,
    mode: WriteMode,
    actor: Actor,
    matchingId?: string,
  ): void {
    const changed = this.apply(record, planned, mode, actor, this.state.timestamp(), matchingId);
    for (const attributeId of changed)
      this.onChange({ event: 'record.updated', object, record, attributeId, actor });
  }

  private valuesOf(body: unknown): Record<string, unknown> {
    const data = isObject(body) && isObject(body['data']) ? body['data'] : undefined;
    if (!data || !isObject(data['values'])) throw validationType('Body must be {"data": {"values": {...}}}.');
    return data['values'];
  }

  private ctx() {
    return {
      recordExists: (target: string, id: string) => {
        try {
          this.state.record(this.state.object(target), id);
          return true;
        } catch {
          return false;
        }
      },
    };
  }

  /** Validates every value before anything changes, so a rejected write leaves the record untouched. */
  private plan(
    object: ObjectModel,
    record: RecordModel,
    values: Record<string, unknown>,
    mode: WriteMode,
  ): Map<string, TypedFields[]> {
    const planned = new Map<string, TypedFields[]>();
    for (const [key, raw] of Object.entries(values)) {
      const attribute = this.state.attribute(object, key);
      if (!attribute.is_writable) {
        throw new AttioApiError(
          400,
          'invalid_request_error',
          'immutable_value',
          `Attribute "${attribute.api_slug}" is not writable.`,
        );
      }
      const typed = asValueList(attribute, raw).map((v) => parseInputValue(attribute, v, this.ctx()));
      if (attribute.is_required && typed.length === 0 && (mode !== 'patch' || raw === null)) {
        throw missingValue(`Attribute "${attribute.api_slug}" is required and cannot be cleared.`);
      }
      if (attribute.is_unique) this.checkUnique(object, record, attribute, typed);
      planned.set(attribute.id.attribute_id, typed);
    }
    return planned;
  }

  private checkUnique(
    object: ObjectModel,
    record: RecordModel,
    attribute: AttributeModel,
    typed: TypedFields[],
  ): void {
    const keys = new Set(typed.map((t) => valueKey({ ...t, attribute_type: attribute.type })));
    for (const other of this.state.recordsOf(object)) {
      if (other.id.record_id === record.id.record_id) continue;
      for (const v of this.activeValues(other, attribute)) {
        if (keys.has(valueKey(v))) {
          throw uniquenessConflict(
            `The value "${valueKey(v)}" for unique attribute "${attribute.api_slug}" already exists on record ${other.id.record_id}.`,
          );
        }
      }
    }
  }

  /** Applies planned values; returns the ids of attributes whose active values changed. */
  private apply(
    record: RecordModel,
    planned: Map<string, TypedFields[]>,
    mode: WriteMode,
    actor: Actor,
    now: string,
    matchingId?: string,
  ): string[] {
    const changed: string[] = [];
    const object = this.state.object(record.id.object_id);
    for (const [attributeId, typed] of planned) {
      const attribute = this.state.attribute(object, attributeId);
      const list = (record.values[attributeId] ??= []);
      const active = list.filter((v) => v.active_until === null);
      const wanted = typed.map((t) => ({ ...t, attribute_type: attribute.type }));
      const wantedKeys = new Set(wanted.map((w) => valueKey(w)));
      const activeKeys = new Set(active.map((v) => valueKey(v)));
      const append =
        attribute.is_multiselect && (mode === 'patch' || (mode === 'assert' && attributeId === matchingId));
      let didChange = false;
      if (!append) {
        // Overwrite: end every active value that is not wanted any more.
        for (const v of active) {
          if (!wantedKeys.has(valueKey(v))) {
            v.active_until = now;
            didChange = true;
          }
        }
      }
      for (const w of wanted) {
        if (activeKeys.has(valueKey(w))) continue; // writing the same value again changes nothing
        activeKeys.add(valueKey(w));
        list.push({ active_from: now, active_until: null, created_by_actor: actor, ...w });
        didChange = true;
      }
      if (didChange) changed.push(attributeId);
    }
    return changed;
  }

  private setSystemValues(object: ObjectModel, record: RecordModel, actor: Actor, now: string): void {
    const system: Actor = { type: 'system' };
    const set = (slug: string, fields: TypedFields) => {
      const a = this.state.findAttribute(object, slug);
      if (a)
        record.values[a.id.attribute_id] = [
          {
            active_from: now,
            active_until: null,
            created_by_actor: system,
            ...fields,
            attribute_type: a.type,
          },
        ];
    };
    set('record_id', { value: record.id.record_id });
    set('created_at', { value: now });
    set('created_by', { referenced_actor_type: actor.type, referenced_actor_id: actor.id ?? null });
  }
}
