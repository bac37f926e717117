import { WebhookPayloadError } from '@aia/platform';
import { parseAttioWebhook } from './attio-webhook.payload';

const event = (over: Record<string, unknown> = {}) => ({
  event_type: 'record.updated',
  id: { workspace_id: 'w', object_id: 'o', record_id: 'r1', attribute_id: 'a1' },
  actor: { type: 'workspace-member', id: 'm1' },
  ...over,
});

describe('parseAttioWebhook', () => {
  it('reads every event of a (batched) delivery', () => {
    const parsed = parseAttioWebhook({
      webhook_id: 'wh',
      events: [
        event(),
        event({ event_type: 'record.created', id: { object_id: 'o', record_id: 'r2' }, actor: undefined }),
      ],
    });
    expect(parsed.webhookId).toBe('wh');
    expect(parsed.events).toEqual([
      {
        eventType: 'record.updated',
        objectId: 'o',
        recordId: 'r1',
        attributeId: 'a1',
        actor: { type: 'workspace-member', id: 'm1' },
      },
      {
        eventType: 'record.created',
        objectId: 'o',
        recordId: 'r2',
        attributeId: undefined,
        actor: { type: 'unknown', id: null },
      },
    ]);
  });

  it.each([
    ['a string', 'hello', 'body is not a JSON object'],
    ['no webhook id', { events: [] }, 'webhook_id is missing'],
    ['events not an array', { webhook_id: 'w', events: {} }, 'events is not an array'],
    ['an event without type', { webhook_id: 'w', events: [{ id: {} }] }, 'events[0].event_type is missing'],
    [
      'an event without id',
      { webhook_id: 'w', events: [event({ id: undefined })] },
      'events[0].id is missing',
    ],
  ])('refuses %s with a readable, permanent reason', (_label, payload, reason) => {
    let error: unknown;
    try {
      parseAttioWebhook(payload);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).reason).toBe(reason);
  });
});
