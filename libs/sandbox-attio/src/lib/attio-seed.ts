import { randomUUID } from 'node:crypto';
import type { AttributeModel, AttributeType, ObjectModel } from './attio-model';

/**
 * The standard objects a new Attio workspace has and the subset of their standard attributes the
 * emulator models (names/slugs/types from https://docs.attio.com/docs/standard-objects/… and
 * PLATFORMS.md §1; deal stage titles are Attio's defaults as seen in the app — UNCONFIRMED wording).
 */
export interface AttributeSeed {
  title: string;
  api_slug: string;
  type: AttributeType;
  is_required?: boolean;
  is_unique?: boolean;
  is_multiselect?: boolean;
  is_system_attribute?: boolean;
  is_writable?: boolean;
  options?: string[];
  statuses?: string[];
  default_currency_code?: string;
  display_type?: string;
}

const common: AttributeSeed[] = [
  {
    title: 'Record ID',
    api_slug: 'record_id',
    type: 'text',
    is_system_attribute: true,
    is_writable: false,
    is_unique: true,
  },
  {
    title: 'Created at',
    api_slug: 'created_at',
    type: 'timestamp',
    is_system_attribute: true,
    is_writable: false,
  },
  {
    title: 'Created by',
    api_slug: 'created_by',
    type: 'actor-reference',
    is_system_attribute: true,
    is_writable: false,
  },
];

export const STANDARD_OBJECTS: Array<{
  slug: string;
  singular: string;
  plural: string;
  attributes: AttributeSeed[];
}> = [
  {
    slug: 'companies',
    singular: 'Company',
    plural: 'Companies',
    attributes: [
      ...common,
      { title: 'Name', api_slug: 'name', type: 'text', is_system_attribute: true },
      {
        title: 'Domains',
        api_slug: 'domains',
        type: 'domain',
        is_system_attribute: true,
        is_unique: true,
        is_multiselect: true,
      },
      { title: 'Description', api_slug: 'description', type: 'text', is_system_attribute: true },
    ],
  },
  {
    slug: 'people',
    singular: 'Person',
    plural: 'People',
    attributes: [
      ...common,
      { title: 'Name', api_slug: 'name', type: 'personal-name', is_system_attribute: true },
      {
        title: 'Email addresses',
        api_slug: 'email_addresses',
        type: 'email-address',
        is_system_attribute: true,
        is_unique: true,
        is_multiselect: true,
      },
      { title: 'Job title', api_slug: 'job_title', type: 'text', is_system_attribute: true },
      { title: 'Description', api_slug: 'description', type: 'text', is_system_attribute: true },
    ],
  },
  {
    slug: 'deals',
    singular: 'Deal',
    plural: 'Deals',
    attributes: [
      ...common,
      { title: 'Deal name', api_slug: 'name', type: 'text', is_system_attribute: true, is_required: true },
      {
        title: 'Deal stage',
        api_slug: 'stage',
        type: 'status',
        is_system_attribute: true,
        is_required: true,
        statuses: ['Lead', 'In Progress', 'Won 🎉', 'Lost'],
      },
      {
        title: 'Deal value',
        api_slug: 'value',
        type: 'currency',
        is_system_attribute: true,
        default_currency_code: 'USD',
      },
      {
        title: 'Associated company',
        api_slug: 'associated_company',
        type: 'record-reference',
        is_system_attribute: true,
      },
    ],
  },
];

export function buildObject(
  workspaceId: string,
  slug: string,
  singular: string,
  plural: string,
  createdAt: string,
): ObjectModel {
  return {
    id: { workspace_id: workspaceId, object_id: randomUUID() },
    api_slug: slug,
    singular_noun: singular,
    plural_noun: plural,
    created_at: createdAt,
  };
}

export function buildAttribute(
  object: ObjectModel,
  seed: AttributeSeed,
  createdAt: string,
  description: string | null = null,
): AttributeModel {
  const ids = {
    workspace_id: object.id.workspace_id,
    object_id: object.id.object_id,
    attribute_id: randomUUID(),
  };
  return {
    id: ids,
    title: seed.title,
    description,
    api_slug: seed.api_slug,
    type: seed.type,
    is_system_attribute: seed.is_system_attribute ?? false,
    is_writable: seed.is_writable ?? true,
    is_required: seed.is_required ?? false,
    is_unique: seed.is_unique ?? false,
    is_multiselect: seed.is_multiselect ?? false,
    is_default_value_enabled: false,
    is_archived: false,
    default_value: null,
    relationship: null,
    created_at: createdAt,
    config: {
      // The OpenAPI schema requires a currency config on every attribute (non-nullable enums), so
      // non-currency attributes carry the workspace default too (UNCONFIRMED what Attio sends there).
      currency: {
        default_currency_code: seed.default_currency_code ?? 'USD',
        display_type: seed.display_type ?? 'symbol',
      },
      record_reference: { allowed_object_ids: null },
    },
    options: (seed.options ?? []).map((title) => ({
      id: { ...ids, option_id: randomUUID() },
      title,
      is_archived: false,
    })),
    statuses: (seed.statuses ?? []).map((title) => ({
      id: { ...ids, status_id: randomUUID() },
      title,
      is_archived: false,
      celebration_enabled: title.includes('Won'),
      target_time_in_status: null,
    })),
  };
}
