import { WebhookPayloadError } from '@aia/platform';

/**
 * One event of an Attio webhook delivery. Record events carry ids only, never values
 * (https://docs.attio.com/rest-api/webhook-reference/record-events/recordupdated): a handler reads the record.
 */
export interface AttioWebhookEvent {
  eventType: string;
  objectId?: string;
  recordId?: string;
  /** `record.updated`: the attribute that changed. */
  attributeId?: string;
  actor: { type: string; id: string | null };
}

export interface AttioWebhookDelivery {
  webhookId: string;
  /** Attio may batch several events into one delivery; each must be handled. */
  events: AttioWebhookEvent[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const optionalString = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** `{webhook_id, events: [{event_type, id: {...}, actor}]}` → typed delivery, or WebhookPayloadError. */
export function parseAttioWebhook(payload: unknown): AttioWebhookDelivery {
  const fail = (reason: string): never => {
    throw new WebhookPayloadError('attio', reason);
  };
  if (!isObject(payload)) return fail('body is not a JSON object');
  const webhookId = optionalString(payload['webhook_id']) ?? fail('webhook_id is missing');
  const raw = payload['events'];
  if (!Array.isArray(raw)) return fail('events is not an array');
  const events = raw.map((e, i): AttioWebhookEvent => {
    if (!isObject(e)) return fail(`events[${i}] is not an object`);
    const eventType = optionalString(e['event_type']) ?? fail(`events[${i}].event_type is missing`);
    const id = isObject(e['id']) ? e['id'] : fail(`events[${i}].id is missing`);
    const actor = isObject(e['actor']) ? e['actor'] : {};
    return {
      eventType,
      objectId: optionalString(id['object_id']),
      recordId: optionalString(id['record_id']),
      attributeId: optionalString(id['attribute_id']),
      actor: { type: optionalString(actor['type']) ?? 'unknown', id: optionalString(actor['id']) ?? null },
    };
  });
  return { webhookId, events };
}
