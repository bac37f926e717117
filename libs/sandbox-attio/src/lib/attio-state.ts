import { randomBytes, randomUUID } from 'node:crypto';
import { notFound, slugConflict, validationType } from './attio-error';
import {
  Actor,
  AttioStateSnapshot,
  AttributeModel,
  NoteModel,
  ObjectModel,
  RecordModel,
  SUPPORTED_ATTRIBUTE_TYPES,
  AttributeType,
  WebhookModel,
  WebhookSubscription,
} from './attio-model';
import { buildAttribute, buildObject, STANDARD_OBJECTS } from './attio-seed';
import { attioTimestamp } from './attio-values';

export interface RecordChange {
  event: 'record.created' | 'record.updated';
  object: ObjectModel;
  record: RecordModel;
  /** For record.updated: the attribute whose values changed (one event per attribute, as Attio does). */
  attributeId?: string;
  actor: Actor;
}

const SLUG = /^[a-z][a-z0-9_]*$/;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The workspace held by the emulator: objects, attributes, records, notes and webhooks, plus the lookups
 * every route needs. Record writes live in AttioRecords (attio-records.ts) on top of this.
 */
export class AttioState {
  workspaceId: string = randomUUID();
  objects: ObjectModel[] = [];
  attributes: AttributeModel[] = [];
  records = new Map<string, RecordModel>();
  notes: NoteModel[] = [];
  webhooks: WebhookModel[] = [];

  constructor(readonly now: () => Date) {
    this.seedStandard();
  }

  timestamp(): string {
    return attioTimestamp(this.now());
  }

  seedStandard(): void {
    this.workspaceId = randomUUID();
    this.objects = [];
    this.attributes = [];
    this.records.clear();
    this.notes = [];
    this.webhooks = [];
    const at = this.timestamp();
    for (const def of STANDARD_OBJECTS) {
      const object = buildObject(this.workspaceId, def.slug, def.singular, def.plural, at);
      this.objects.push(object);
      for (const seed of def.attributes) this.attributes.push(buildAttribute(object, seed, at));
    }
  }

  snapshot(): AttioStateSnapshot {
    return {
      workspaceId: this.workspaceId,
      objects: this.objects,
      attributes: this.attributes,
      records: [...this.records.values()],
      notes: this.notes,
      webhooks: this.webhooks,
    };
  }

  restore(s: AttioStateSnapshot): void {
    this.workspaceId = s.workspaceId;
    this.objects = s.objects;
    this.attributes = s.attributes;
    this.records = new Map(s.records.map((r) => [r.id.record_id, r]));
    this.notes = s.notes;
    this.webhooks = s.webhooks;
  }

  // ---- objects and attributes -------------------------------------------------------------------

  /** Objects are addressed by slug or UUID everywhere in the API. */
  object(slugOrId: string): ObjectModel {
    const o = this.objects.find((x) => x.api_slug === slugOrId || x.id.object_id === slugOrId);
    if (!o) throw notFound(`Object with slug/ID "${slugOrId}" not found.`);
    return o;
  }

  attributesOf(object: ObjectModel, includeArchived = false): AttributeModel[] {
    return this.attributes.filter(
      (a) => a.id.object_id === object.id.object_id && (includeArchived || !a.is_archived),
    );
  }

  findAttribute(object: ObjectModel, slugOrId: string): AttributeModel | undefined {
    return this.attributesOf(object).find((a) => a.api_slug === slugOrId || a.id.attribute_id === slugOrId);
  }

  attribute(object: ObjectModel, slugOrId: string): AttributeModel {
    const a = this.findAttribute(object, slugOrId);
    if (!a) throw notFound(`Attribute with slug/ID "${slugOrId}" not found on object "${object.api_slug}".`);
    return a;
  }

  /** POST /v2/objects/{object}/attributes — body per attio-ts-sdk PostV2ByTargetByIdentifierAttributesData. */
  createAttribute(object: ObjectModel, body: unknown): AttributeModel {
    const data = isObject(body) && isObject(body['data']) ? body['data'] : undefined;
    if (!data) throw validationType('Body must be {"data": {...}}.');
    const title = data['title'];
    const slug = data['api_slug'];
    const type = data['type'];
    if (typeof title !== 'string' || !title) throw validationType('data.title is required.');
    if (typeof slug !== 'string' || !SLUG.test(slug))
      throw validationType('data.api_slug must be snake_case.');
    if (typeof type !== 'string') throw validationType('data.type is required.');
    if (!(SUPPORTED_ATTRIBUTE_TYPES as readonly string[]).includes(type) || type === 'actor-reference') {
      throw validationType(`Attribute type "${type}" is not supported by the sandbox.`);
    }
    for (const flag of ['is_required', 'is_unique', 'is_multiselect'] as const) {
      if (typeof data[flag] !== 'boolean') throw validationType(`data.${flag} must be a boolean.`);
    }
    if (!isObject(data['config'])) throw validationType('data.config is required (may be {}).');
    // Select attributes cannot be unique (docs attribute-types-select); text is always single-valued
    // (docs attribute-types-text); status is single-valued (docs attribute-types-status).
    if (type === 'select' && data['is_unique']) throw validationType('Select attributes cannot be unique.');
    if (
      ['text', 'status', 'checkbox', 'number', 'currency', 'date', 'timestamp'].includes(type) &&
      data['is_multiselect']
    ) {
      throw validationType(`Attributes of type "${type}" cannot be multiselect.`);
    }
    if (this.findAttribute(object, slug))
      throw slugConflict(`An attribute with slug "${slug}" already exists.`);
    const currency =
      isObject(data['config']) && isObject(data['config']['currency']) ? data['config']['currency'] : {};
    const attribute = buildAttribute(
      object,
      {
        title,
        api_slug: slug,
        type: type as AttributeType,
        is_required: data['is_required'] as boolean,
        is_unique: data['is_unique'] as boolean,
        is_multiselect: data['is_multiselect'] as boolean,
        default_currency_code:
          typeof currency['default_currency_code'] === 'string'
            ? currency['default_currency_code']
            : undefined,
      },
      this.timestamp(),
      typeof data['description'] === 'string' ? data['description'] : null,
    );
    this.attributes.push(attribute);
    return attribute;
  }

  addOption(attribute: AttributeModel, title: unknown) {
    if (attribute.type !== 'select')
      throw notFound(`Attribute "${attribute.api_slug}" is not a select attribute.`);
    if (typeof title !== 'string' || !title) throw validationType('data.title is required.');
    if (attribute.options.some((o) => o.title === title))
      throw slugConflict(`Option "${title}" already exists.`);
    const option = { id: { ...attribute.id, option_id: randomUUID() }, title, is_archived: false };
    attribute.options.push(option);
    return option;
  }

  addStatus(attribute: AttributeModel, title: unknown) {
    if (attribute.type !== 'status')
      throw notFound(`Attribute "${attribute.api_slug}" is not a status attribute.`);
    if (typeof title !== 'string' || !title) throw validationType('data.title is required.');
    if (attribute.statuses.some((o) => o.title === title))
      throw slugConflict(`Status "${title}" already exists.`);
    const status = {
      id: { ...attribute.id, status_id: randomUUID() },
      title,
      is_archived: false,
      celebration_enabled: false,
      target_time_in_status: null,
    };
    attribute.statuses.push(status);
    return status;
  }

  // ---- records (lookups; writes are in AttioRecords) ----------------------------------------------

  record(object: ObjectModel, recordId: string): RecordModel {
    const r = this.records.get(recordId);
    if (!r || r.id.object_id !== object.id.object_id)
      throw notFound(`Record with ID "${recordId}" not found.`);
    return r;
  }

  recordsOf(object: ObjectModel): RecordModel[] {
    const out: RecordModel[] = [];
    for (const r of this.records.values()) if (r.id.object_id === object.id.object_id) out.push(r);
    return out;
  }

  // ---- notes --------------------------------------------------------------------------------------

  /** POST /v2/notes — body per PostV2NotesData; the parent record must exist (404 otherwise). */
  createNote(body: unknown, actor: Actor): NoteModel {
    const data = isObject(body) && isObject(body['data']) ? body['data'] : undefined;
    if (!data) throw validationType('Body must be {"data": {...}}.');
    const { parent_object, parent_record_id, title, format, content } = data;
    if (typeof parent_object !== 'string' || typeof parent_record_id !== 'string') {
      throw validationType('data.parent_object and data.parent_record_id are required.');
    }
    if (typeof title !== 'string') throw validationType('data.title must be a string.');
    if (format !== 'plaintext' && format !== 'markdown')
      throw validationType('data.format must be plaintext or markdown.');
    if (typeof content !== 'string') throw validationType('data.content must be a string.');
    const object = this.object(parent_object);
    this.record(object, parent_record_id);
    const createdAt = typeof data['created_at'] === 'string' ? data['created_at'] : this.timestamp();
    const note: NoteModel = {
      id: { workspace_id: this.workspaceId, note_id: randomUUID() },
      parent_object: object.api_slug,
      parent_record_id,
      title,
      meeting_id: typeof data['meeting_id'] === 'string' ? data['meeting_id'] : null,
      // UNCONFIRMED: how Attio renders markdown to plaintext; the sandbox strips common markers.
      content_plaintext: format === 'markdown' ? content.replace(/[*_`#>]/g, '') : content,
      content_markdown: content,
      tags: [],
      created_by_actor: actor,
      created_at: createdAt,
    };
    this.notes.push(note);
    return note;
  }

  listNotes(query: {
    parent_object?: string;
    parent_record_id?: string;
    limit?: number;
    offset?: number;
  }): NoteModel[] {
    let notes = this.notes;
    if (query.parent_object) {
      const object = this.object(query.parent_object);
      notes = notes.filter((n) => n.parent_object === object.api_slug);
    }
    if (query.parent_record_id) notes = notes.filter((n) => n.parent_record_id === query.parent_record_id);
    const offset = query.offset ?? 0;
    // Attio's default page size for notes is 10, max 50 (OpenAPI GetV2NotesData query docs).
    return notes.slice(offset, offset + Math.min(query.limit ?? 10, 50));
  }

  // ---- webhooks -----------------------------------------------------------------------------------

  createWebhook(body: unknown): WebhookModel {
    const data = isObject(body) && isObject(body['data']) ? body['data'] : undefined;
    if (!data) throw validationType('Body must be {"data": {...}}.');
    const url = data['target_url'];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      throw validationType('data.target_url must be a URL.');
    const subs = data['subscriptions'];
    if (!Array.isArray(subs)) throw validationType('data.subscriptions must be an array.');
    const subscriptions = subs.map((s) => this.parseSubscription(s));
    const webhook: WebhookModel = {
      id: { workspace_id: this.workspaceId, webhook_id: randomUUID() },
      target_url: url,
      subscriptions,
      status: 'active',
      created_at: this.timestamp(),
      secret: randomBytes(32).toString('hex'),
    };
    this.webhooks.push(webhook);
    return webhook;
  }

  webhook(id: string): WebhookModel {
    const w = this.webhooks.find((x) => x.id.webhook_id === id);
    if (!w) throw notFound(`Webhook with ID "${id}" not found.`);
    return w;
  }

  deleteWebhook(id: string): void {
    const w = this.webhook(id);
    this.webhooks = this.webhooks.filter((x) => x !== w);
  }

  /** Checks one `subscriptions` entry of a webhook create or update (PATCH) body. */
  parseSubscription(raw: unknown): WebhookSubscription {
    if (!isObject(raw) || typeof raw['event_type'] !== 'string') {
      throw validationType('Each subscription needs an event_type.');
    }
    const filter = raw['filter'] ?? null;
    if (filter !== null) {
      const group = isObject(filter) ? (filter['$and'] ?? filter['$or']) : undefined;
      const valid =
        Array.isArray(group) &&
        group.every(
          (c) =>
            isObject(c) &&
            typeof c['field'] === 'string' &&
            (c['operator'] === 'equals' || c['operator'] === 'not_equals') &&
            typeof c['value'] === 'string',
        );
      // Only $and/$or of equals/not_equals are documented (https://docs.attio.com/rest-api/how-to/webhooks).
      if (!valid)
        throw validationType('filter must be {$and|$or: [{field, operator: equals|not_equals, value}]}.');
    }
    return { event_type: raw['event_type'], filter: filter as WebhookSubscription['filter'] };
  }
}
