/**
 * The emulator's stored model. Shapes follow attio-ts-sdk 2.3.0 `types.gen.ts` (generated from Attio's
 * OpenAPI): Object, Attribute, SelectOption, Status, Note, webhook; record values are stored exactly as
 * they are returned (one entry per value version, with `active_from`/`active_until`).
 */

export type ActorType = 'api-token' | 'workspace-member' | 'system' | 'app';

/** `id` is omitted for the system actor: the OpenAPI schema types it as an optional string, not null. */
export interface Actor {
  type: ActorType;
  id?: string;
}

/** Value types this emulator can store and return (see docs/sandbox/attio.md for the ones left out). */
export const SUPPORTED_ATTRIBUTE_TYPES = [
  'text',
  'number',
  'checkbox',
  'currency',
  'date',
  'timestamp',
  'select',
  'status',
  'domain',
  'email-address',
  'personal-name',
  'record-reference',
  'actor-reference',
] as const;
export type AttributeType = (typeof SUPPORTED_ATTRIBUTE_TYPES)[number];

export interface SelectOptionModel {
  id: { workspace_id: string; object_id: string; attribute_id: string; option_id: string };
  title: string;
  is_archived: boolean;
}

export interface StatusModel {
  id: { workspace_id: string; object_id: string; attribute_id: string; status_id: string };
  title: string;
  is_archived: boolean;
  celebration_enabled: boolean;
  target_time_in_status: string | null;
}

export interface AttributeModel {
  id: { workspace_id: string; object_id: string; attribute_id: string };
  title: string;
  description: string | null;
  api_slug: string;
  type: AttributeType;
  is_system_attribute: boolean;
  is_writable: boolean;
  is_required: boolean;
  is_unique: boolean;
  is_multiselect: boolean;
  is_default_value_enabled: boolean;
  is_archived: boolean;
  default_value: null;
  relationship: null;
  created_at: string;
  config: {
    currency: { default_currency_code: string; display_type: string };
    record_reference: { allowed_object_ids: string[] | null };
  };
  /** Emulator-only: options of a select attribute and statuses of a status attribute (not serialised). */
  options: SelectOptionModel[];
  statuses: StatusModel[];
}

export interface ObjectModel {
  id: { workspace_id: string; object_id: string };
  api_slug: string;
  singular_noun: string;
  plural_noun: string;
  created_at: string;
}

/** One stored value version: the common fields plus the type-specific ones (e.g. `value`, `domain`). */
export interface StoredValue {
  active_from: string;
  active_until: string | null;
  created_by_actor: Actor;
  attribute_type: AttributeType;
  [field: string]: unknown;
}

export interface RecordModel {
  id: { workspace_id: string; object_id: string; record_id: string };
  created_at: string;
  /** attribute_id → every version of every value (active and historic). */
  values: Record<string, StoredValue[]>;
}

export interface NoteModel {
  id: { workspace_id: string; note_id: string };
  parent_object: string;
  parent_record_id: string;
  title: string;
  meeting_id: string | null;
  content_plaintext: string;
  content_markdown: string;
  tags: [];
  created_by_actor: Actor;
  created_at: string;
}

export interface WebhookCondition {
  field: string;
  operator: 'equals' | 'not_equals';
  value: string;
}
export type WebhookFilter = { $and: WebhookCondition[] } | { $or: WebhookCondition[] } | null;

export interface WebhookSubscription {
  event_type: string;
  filter: WebhookFilter;
}

export interface WebhookModel {
  id: { workspace_id: string; webhook_id: string };
  target_url: string;
  subscriptions: WebhookSubscription[];
  status: 'active' | 'degraded' | 'inactive';
  created_at: string;
  /** Returned only by the create call, as Attio does. */
  secret: string;
}

/** Everything the emulator persists (JSON persistence and `POST /__sandbox/seed` use this shape). */
export interface AttioStateSnapshot {
  workspaceId: string;
  objects: ObjectModel[];
  attributes: AttributeModel[];
  records: RecordModel[];
  notes: NoteModel[];
  webhooks: WebhookModel[];
}
