import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookDispatcher } from '@aia/sandbox-kit';
import type { WebhookFilter, WebhookModel } from './attio-model';
import type { RecordChange } from './attio-state';

/** One event as Attio sends it: IDs only (https://docs.attio.com/rest-api/webhook-reference/record-events/recordupdated). */
export interface AttioWebhookEvent {
  event_type: string;
  id: { workspace_id: string; object_id: string; record_id: string; attribute_id?: string };
  actor: { type: string; id: string | null };
}

export function eventFromChange(change: RecordChange): AttioWebhookEvent {
  const id: AttioWebhookEvent['id'] = {
    workspace_id: change.record.id.workspace_id,
    object_id: change.record.id.object_id,
    record_id: change.record.id.record_id,
  };
  if (change.attributeId) id.attribute_id = change.attributeId;
  return { event_type: change.event, id, actor: { type: change.actor.type, id: change.actor.id ?? null } };
}

function valueAt(event: AttioWebhookEvent, path: string): unknown {
  let cur: unknown = event;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** `$and`/`$or` of `equals`/`not_equals` on dot paths (https://docs.attio.com/rest-api/how-to/webhooks). */
export function filterMatches(filter: WebhookFilter, event: AttioWebhookEvent): boolean {
  if (!filter) return true;
  const test = (c: { field: string; operator: string; value: string }) => {
    const v = valueAt(event, c.field);
    const equal = v !== undefined && v !== null && String(v) === c.value;
    return c.operator === 'equals' ? equal : !equal;
  };
  return '$and' in filter ? filter.$and.every(test) : filter.$or.some(test);
}

/** Hex HMAC-SHA256 of the raw body keyed with the webhook secret (PLATFORMS.md §1, Attio webhooks guide). */
export function signAttioBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/**
 * Sends the event to every active webhook with a matching subscription, one event per delivery (as Attio
 * does today). The body is signed once and the Idempotency-Key chosen once, so retries by the dispatcher
 * repeat the same bytes and headers.
 */
export function deliverEvent(
  dispatcher: WebhookDispatcher,
  webhooks: WebhookModel[],
  event: AttioWebhookEvent,
): number {
  let sent = 0;
  for (const webhook of webhooks) {
    if (webhook.status !== 'active') continue;
    const wanted = webhook.subscriptions.some(
      (s) => s.event_type === event.event_type && filterMatches(s.filter, event),
    );
    if (!wanted) continue;
    const body = JSON.stringify({ webhook_id: webhook.id.webhook_id, events: [event] });
    const signature = signAttioBody(body, webhook.secret);
    dispatcher.send({
      event: event.event_type,
      url: webhook.target_url,
      headers: {
        'content-type': 'application/json',
        'attio-signature': signature,
        'x-attio-signature': signature,
        'idempotency-key': randomUUID(),
      },
      body,
    });
    sent += 1;
  }
  return sent;
}
