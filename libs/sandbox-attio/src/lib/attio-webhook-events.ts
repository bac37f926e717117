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

/** Active webhooks with a subscription (event type and filter) that wants the event. */
export function webhooksWanting(webhooks: readonly WebhookModel[], event: AttioWebhookEvent): WebhookModel[] {
  return webhooks.filter(
    (webhook) =>
      webhook.status === 'active' &&
      webhook.subscriptions.some((s) => s.event_type === event.event_type && filterMatches(s.filter, event)),
  );
}

/**
 * Posts one delivery `{webhook_id, events}` to the webhook's target. The body is signed once and the
 * Idempotency-Key chosen once, so retries by the dispatcher repeat the same bytes and headers. The delivery
 * log names it after its event type (the distinct types joined by `,` for a batch of several).
 */
export function sendDelivery(
  dispatcher: WebhookDispatcher,
  webhook: WebhookModel,
  events: AttioWebhookEvent[],
): void {
  const body = JSON.stringify({ webhook_id: webhook.id.webhook_id, events });
  const signature = signAttioBody(body, webhook.secret);
  dispatcher.send({
    event: [...new Set(events.map((e) => e.event_type))].join(','),
    url: webhook.target_url,
    headers: {
      'content-type': 'application/json',
      'attio-signature': signature,
      'x-attio-signature': signature,
      'idempotency-key': randomUUID(),
    },
    body,
  });
}

interface PendingBatch {
  events: AttioWebhookEvent[];
  timer: NodeJS.Timeout;
}

/**
 * Hands events to the webhooks that want them. By default each event is its own delivery, as Attio sends
 * today. Attio's body carries an `events` array and its docs say deliveries may become batches
 * (https://docs.attio.com/rest-api/webhook-reference/record-events/recordupdated); with a batch window
 * (`setWindow(ms)`, control API `PUT /__sandbox/webhooks/batching`) the events a webhook wants within `windowMs` of the first one still
 * waiting are sent together: one delivery, one signature, one Idempotency-Key. `flush()` sends what waits.
 */
export class AttioWebhookBatcher {
  private readonly pending = new Map<string, PendingBatch>();

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    /** The workspace's webhooks now (a webhook deleted or disabled while its batch waits gets nothing). */
    private readonly webhooks: () => readonly WebhookModel[],
    private windowMs = 0,
  ) {}

  get batchWindowMs(): number {
    return this.windowMs;
  }

  /** 0 turns batching off (and sends what is waiting at once). */
  setWindow(windowMs: number): void {
    if (!Number.isFinite(windowMs) || windowMs < 0) throw new RangeError('windowMs must be >= 0');
    this.windowMs = windowMs;
    if (windowMs === 0) this.flush();
  }

  /** Returns the number of webhooks the event goes (or will go) to. */
  deliver(event: AttioWebhookEvent): number {
    const wanting = webhooksWanting(this.webhooks(), event);
    for (const webhook of wanting) {
      if (this.windowMs === 0) {
        sendDelivery(this.dispatcher, webhook, [event]);
        continue;
      }
      const id = webhook.id.webhook_id;
      const batch = this.pending.get(id);
      if (batch) {
        batch.events.push(event);
        continue;
      }
      const timer = setTimeout(() => this.send(id), this.windowMs);
      timer.unref();
      this.pending.set(id, { events: [event], timer });
    }
    return wanting.length;
  }

  /** Sends every waiting batch now; returns how many deliveries went out. */
  flush(): number {
    let sent = 0;
    for (const id of [...this.pending.keys()]) if (this.send(id)) sent++;
    return sent;
  }

  /** Drops what is waiting, unsent (reset, close). */
  clear(): void {
    for (const batch of this.pending.values()) clearTimeout(batch.timer);
    this.pending.clear();
  }

  private send(webhookId: string): boolean {
    const batch = this.pending.get(webhookId);
    if (!batch) return false;
    clearTimeout(batch.timer);
    this.pending.delete(webhookId);
    const live = this.webhooks().find((w) => w.id.webhook_id === webhookId);
    if (!live || live.status !== 'active') return false;
    sendDelivery(this.dispatcher, live, batch.events);
    return true;
  }
}
