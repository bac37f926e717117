import { createHmac } from 'node:crypto';
import { AttioHarness, companyValues, startAttio, valuesBody } from '../test/attio-test-harness';
import { startWebhookReceiver } from '../test/webhook-receiver';

interface Delivered {
  webhook_id: string;
  events: Array<{ event_type: string; id: { record_id: string; attribute_id?: string } }>;
}

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Attio emulator: batched webhook deliveries', () => {
  let h: AttioHarness;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeEach(async () => {
    h = await startAttio({ webhookBaseDelayMs: 10 });
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const createLocalWebhook = async (eventTypes: string[], url = receiver.url) => {
    const subscriptions = eventTypes.map((event_type) => ({ event_type, filter: null }));
    const res = await h.call('POST', '/v2/webhooks', { data: { target_url: url, subscriptions } });
    expect(res.status).toBe(200);
    return (res.json as { data: { id: { webhook_id: string }; secret: string } }).data;
  };
  const createCompany = async (n: number) =>
    (
      (await h.call('POST', '/v2/objects/companies/records', valuesBody(companyValues(n)))).json as {
        data: { id: { record_id: string } };
      }
    ).data.id.record_id;
  const patch = (recordId: string, values: Record<string, unknown>) =>
    h.call('PATCH', `/v2/objects/companies/records/${recordId}`, valuesBody(values));

  it('sends two record updates made inside the window as one signed delivery with both events', async () => {
    const webhook = await createLocalWebhook(['record.updated']);
    const recordId = await createCompany(1);
    expect((await h.call('GET', '/__sandbox/webhooks/batching')).json).toEqual({ windowMs: 0 });
    await h.batchWebhooks(800);
    expect((await patch(recordId, { name: ['First rename'] })).status).toBe(200);
    expect((await patch(recordId, { description: ['Now described'] })).status).toBe(200);
    // Nothing leaves before the window closes.
    expect(h.emulator.server.webhooks.list()).toHaveLength(0);
    await until(() => receiver.received.length > 0);
    await h.emulator.server.webhooks.settle();

    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0];
    const expected = createHmac('sha256', webhook.secret).update(body).digest('hex');
    expect(headers['attio-signature']).toBe(expected);
    expect(headers['x-attio-signature']).toBe(expected);
    expect(headers['idempotency-key']).toEqual(expect.any(String));
    const delivered = JSON.parse(body) as Delivered;
    expect(delivered.webhook_id).toBe(webhook.id.webhook_id);
    expect(delivered.events).toHaveLength(2);
    const companies = h.emulator.state.object('companies');
    const slug = (id?: string) =>
      h.emulator.state.attributesOf(companies).find((a) => a.id.attribute_id === id)?.api_slug;
    expect(delivered.events.map((e) => [e.event_type, e.id.record_id, slug(e.id.attribute_id)])).toEqual([
      ['record.updated', recordId, 'name'],
      ['record.updated', recordId, 'description'],
    ]);
    expect(h.emulator.server.webhooks.list()).toEqual([
      expect.objectContaining({ event: 'record.updated', status: 'delivered' }),
    ]);
  });

  it('keeps one batch per webhook, sends it on flush, and retries it with the same body and key', async () => {
    await receiver.close();
    receiver = await startWebhookReceiver({ failFirst: 1 });
    const other = await startWebhookReceiver();
    try {
      await createLocalWebhook(['record.created', 'record.updated']);
      await createLocalWebhook(['record.created'], other.url);
      await h.batchWebhooks(60_000);
      const recordId = await createCompany(2);
      await patch(recordId, { name: ['Renamed'] });
      expect((await h.call('POST', '/__sandbox/webhooks/flush')).json).toEqual({ deliveries: 2 });
      await h.emulator.server.webhooks.settle();

      // First receiver: one batch (created + updated), refused once, then the same bytes and key again.
      expect(receiver.received).toHaveLength(2);
      const [refused, accepted] = receiver.received;
      expect(accepted.body).toBe(refused.body);
      expect(accepted.headers['idempotency-key']).toBe(refused.headers['idempotency-key']);
      expect((JSON.parse(accepted.body) as Delivered).events.map((e) => e.event_type)).toEqual([
        'record.created',
        'record.updated',
      ]);
      // Second receiver: its own delivery with the one event it subscribed to.
      expect(other.received.map((r) => (JSON.parse(r.body) as Delivered).events.length)).toEqual([1]);
      expect(h.emulator.server.webhooks.list({ event: 'record.created,record.updated' })).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('sends what waits when batching is turned off, then one event per delivery again', async () => {
    await createLocalWebhook(['record.created']);
    await h.batchWebhooks(60_000);
    await createCompany(3);
    await createCompany(4);
    await h.batchWebhooks(0);
    await createCompany(5);
    await h.emulator.server.webhooks.settle();
    expect(receiver.received.map((r) => (JSON.parse(r.body) as Delivered).events.length)).toEqual([2, 1]);
  });

  it('drops waiting batches on reset, and refuses a bad window', async () => {
    await createLocalWebhook(['record.created']);
    await h.batchWebhooks(60_000);
    await createCompany(6);
    expect((await h.call('POST', '/__sandbox/reset')).status).toBe(200);
    expect((await h.call('GET', '/__sandbox/webhooks/batching')).json).toEqual({ windowMs: 0 });
    expect((await h.call('POST', '/__sandbox/webhooks/flush')).json).toEqual({ deliveries: 0 });
    const bad = await h.call('PUT', '/__sandbox/webhooks/batching', { windowMs: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'validation_type' });
  });

  it('batches from the start when created with webhookBatchWindowMs; settleWebhooks flushes', async () => {
    await h.close();
    h = await startAttio({ webhookBaseDelayMs: 10, webhookBatchWindowMs: 60_000 });
    await createLocalWebhook(['record.created']);
    await createCompany(7);
    await createCompany(8);
    await h.settleWebhooks();
    expect(receiver.received.map((r) => (JSON.parse(r.body) as Delivered).events.length)).toEqual([2]);
  });
});
