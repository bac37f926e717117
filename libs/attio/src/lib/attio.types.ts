/**
 * Attio REST v2 shapes the client reads and writes (a subset of attio-ts-sdk 2.3.0 `types.gen.ts`,
 * which is generated from Attio's OpenAPI). Only fields this service uses are typed precisely.
 */

export type AttioActorType = 'api-token' | 'workspace-member' | 'system' | 'app';

/** One value version as Attio returns it; the type-specific fields depend on `attribute_type`. */
export interface AttioValue {
  active_from: string;
  active_until: string | null;
  created_by_actor: { type?: AttioActorType; id?: string };
  attribute_type: string;
  value?: string | number | boolean;
  currency_value?: number;
  currency_code?: string;
  domain?: string;
  email_address?: string;
  option?: { id: { option_id: string }; title: string };
  status?: { id: { status_id: string }; title: string };
  target_object?: string;
  target_record_id?: string;
  full_name?: string;
  [field: string]: unknown;
}

export interface AttioRecord {
  id: { workspace_id: string; object_id: string; record_id: string };
  created_at: string;
  web_url: string;
  values: Record<string, AttioValue[]>;
}

/**
 * What may be written for one attribute: a bare value (string/number/boolean), an object form
 * (`{value}`, `{option}`, `{status}`, `{currency_value, currency_code}`, `{target_object, target_record_id}`),
 * or an array of those (multiselect); `null`/`[]` clears. https://docs.attio.com/docs/attribute-types/…
 */
export type AttioValueInput =
  | string
  | number
  | boolean
  | null
  | Record<string, unknown>
  | Array<string | number | boolean | Record<string, unknown>>;

export type AttioValuesInput = Record<string, AttioValueInput>;

export type AttioAttributeType =
  | 'text'
  | 'number'
  | 'checkbox'
  | 'currency'
  | 'date'
  | 'timestamp'
  | 'rating'
  | 'status'
  | 'select'
  | 'record-reference'
  | 'actor-reference'
  | 'location'
  | 'domain'
  | 'email-address'
  | 'phone-number';

export interface AttioAttribute {
  id: { workspace_id: string; object_id: string; attribute_id: string };
  title: string;
  description: string | null;
  api_slug: string;
  type: string;
  is_system_attribute: boolean;
  is_writable: boolean;
  is_required: boolean;
  is_unique: boolean;
  is_multiselect: boolean;
  is_archived: boolean;
}

/** Body `data` of POST /v2/objects/{object}/attributes (PostV2ByTargetByIdentifierAttributesData). */
export interface AttioAttributeInput {
  title: string;
  api_slug: string;
  type: AttioAttributeType;
  description?: string | null;
  is_required?: boolean;
  is_unique?: boolean;
  is_multiselect?: boolean;
  config?: {
    currency?: { default_currency_code: string; display_type: 'code' | 'name' | 'narrowSymbol' | 'symbol' };
    record_reference?: { allowed_objects: string[] };
  };
}

/** A select attribute's option (https://docs.attio.com/rest-api/endpoint-reference/attributes/list-select-options). */
export interface AttioSelectOption {
  id: { workspace_id: string; object_id: string; attribute_id: string; option_id: string };
  title: string;
  is_archived: boolean;
}

export interface AttioNote {
  id: { workspace_id: string; note_id: string };
  parent_object: string;
  parent_record_id: string;
  title: string;
  content_plaintext: string;
  content_markdown: string;
  created_at: string;
}

export interface AttioNoteInput {
  parentObject: string;
  parentRecordId: string;
  title: string;
  content: string;
  format?: 'plaintext' | 'markdown';
}

export interface AttioWebhookCondition {
  field: string;
  operator: 'equals' | 'not_equals';
  value: string;
}

export interface AttioWebhookSubscription {
  event_type: string;
  filter: { $and: AttioWebhookCondition[] } | { $or: AttioWebhookCondition[] } | null;
}

export interface AttioWebhook {
  id: { workspace_id: string; webhook_id: string };
  target_url: string;
  subscriptions: AttioWebhookSubscription[];
  status: 'active' | 'degraded' | 'inactive';
  created_at: string;
}

/**
 * Body of "Update a webhook" (`PATCH /v2/webhooks/{webhook_id}`, `data`): both fields optional
 * (https://docs.attio.com/rest-api/endpoint-reference/webhooks/update-a-webhook; attio-ts-sdk
 * `PatchV2WebhooksByWebhookIdData`). The answer is the webhook without its secret, which is kept.
 */
export interface AttioWebhookUpdate {
  target_url?: string;
  subscriptions?: AttioWebhookSubscription[];
}

/** The create answer is the only one that carries the signing secret. */
export interface AttioCreatedWebhook extends AttioWebhook {
  secret: string;
}

/**
 * `GET /v2/self` (Identify): the token, its workspace and scopes, at the top level of the answer
 * (https://docs.attio.com/rest-api/endpoint-reference/meta/identify; attio-ts-sdk `GetV2SelfResponses`).
 * An inactive token is answered `{active: false}` and nothing else.
 */
export type AttioSelf =
  | { active: false }
  | {
      active: true;
      /** Space-separated, e.g. `record_permission:read-write object_configuration:read`. */
      scope: string;
      client_id: string;
      token_type: 'Bearer';
      exp: number | null;
      iat: number;
      workspace_id: string;
      workspace_name: string;
      workspace_slug: string;
      authorized_by_workspace_member_id: string;
    };

export interface AttioQuery {
  filter?: Record<string, unknown>;
  sorts?: Array<{ attribute: string; direction: 'asc' | 'desc'; field?: string }>;
  limit?: number;
  offset?: number;
}

/** Attio's error body (types.gen.ts `*Errors`; https://docs.attio.com/rest-api/guides/rate-limiting). */
export interface AttioErrorBody {
  status_code: number;
  type: string;
  code: string;
  message: string;
}
