import { createHmac } from 'node:crypto';
import {
  deleteV2WebhooksByWebhookId,
  getV2Notes,
  getV2Webhooks,
  getV2WebhooksByWebhookId,
  postV2Notes,
  postV2Webhooks,
} from 'attio-ts-sdk';
import {
  AttioHarness,
  companyValues,
  expectAttioError,
  startAttio,
  valuesBody,
} from '../test/attio-test-harness';
import { startWebhookReceiver } from '../test/webhook-receiver';

type Subscriptions = Parameters<typeof postV2Webhooks>[0]['body']['data']['subscriptions'];

describe('Attio emulator: notes', () => {
  let h: AttioHarness;
  let recordId: string;
  beforeAll(async () => {
    h = await startAttio();
    recordId = (
      (await h.call('POST', '/v2/objects/companies/records', valuesBody(companyValues(1)))).json as {
        data: { id: { record_id: string } };
      }
    ).data.id.record_id;
  });
  afterAll(() => h.close());

  const note = (over: Partial<Parameters<typeof postV2Notes>[0]['body']['data']> = {}) => ({
    parent_object: 'companies',
    parent_record_id: recordId,
    title: 'Payment received',
    format: 'plaintext' as const,
    content: 'Invoice INV-1 paid: 99.00 USD',
    ...over,
  });

  it('creates notes and lists them by parent record', async () => {
    const { data } = await postV2Notes({ client: h.sdk, body: { data: note() } });
    expect(data?.data).toMatchObject({
      parent_object: 'companies',
      parent_record_id: recordId,
      content_plaintext: 'Invoice INV-1 paid: 99.00 USD',
      created_by_actor: { type: 'api-token' },
    });
    await postV2Notes({
      client: h.sdk,
      body: { data: note({ title: 'Second', format: 'markdown', content: '**bold**' }) },
    });
    const list = await getV2Notes({
      client: h.sdk,
      query: { parent_object: 'companies', parent_record_id: recordId },
    });
    expect(list.data?.data.map((n) => n.title)).toEqual(['Payment received', 'Second']);
    expect(list.data?.data[1]).toMatchObject({ content_markdown: '**bold**', content_plaintext: 'bold' });
  });

  it('answers 404 for a note on a record that does not exist', async () => {
    await expectAttioError(
      postV2Notes({
        client: h.sdk,
        body: { data: note({ parent_record_id: '00000000-0000-4000-8000-000000000000' }) },
      }),
      404,
      'not_found',
    );
  });
});

describe('Attio emulator: webhooks', () => {
  let h: AttioHarness;
  beforeEach(async () => {
    h = await startAttio({ webhookBaseDelayMs: 10 });
  });
  afterEach(() => h.close());

  const createWebhook = (url: string, subscriptions: Subscriptions) =>
    postV2Webhooks({ client: h.sdk, body: { data: { target_url: url, subscriptions } } }).then(
      (r) => r.data!.data,
    );
  /**
   * Local receivers are plain http, which the SDK (like Attio) refuses as target_url; the emulator
   * accepts it (docs/sandbox/attio.md), so these go through a raw request.
   */
  const createLocalWebhook = async (url: string, subscriptions: Subscriptions) => {
    const res = await h.call('POST', '/v2/webhooks', { data: { target_url: url, subscriptions } });
    expect(res.status).toBe(200);
    return (res.json as { data: { id: { webhook_id: string }; secret: string } }).data;
  };
  const createCompany = async (n: number) =>
    (
      (await h.call('POST', '/v2/objects/companies/records', valuesBody(companyValues(n)))).json as {
        data: { id: { record_id: string; object_id: string } };
      }
    ).data.id;

  it('creates (with secret), lists and gets (without secret), and deletes webhooks', async () => {
    const created = await createWebhook('https://example.com/hook', [
      { event_type: 'record.updated', filter: null },
    ]);
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.status).toBe('active');
    const list = await getV2Webhooks({ client: h.sdk });
    expect(list.data?.data.map((w) => w.id.webhook_id)).toEqual([created.id.webhook_id]);
    expect(list.data?.data[0]).not.toHaveProperty('secret');
    const one = await getV2WebhooksByWebhookId({
      client: h.sdk,
      path: { webhook_id: created.id.webhook_id },
    });
    expect(one.data?.data).not.toHaveProperty('secret');
    await deleteV2WebhooksByWebhookId({ client: h.sdk, path: { webhook_id: created.id.webhook_id } });
    await expectAttioError(
      getV2WebhooksByWebhookId({ client: h.sdk, path: { webhook_id: created.id.webhook_id } }),
      404,
      'not_found',
    );
  });

  it('answers 400 validation_type for an unsupported filter operator', async () => {
    const res = await h.call('POST', '/v2/webhooks', {
      data: {
        target_url: 'https://example.com/hook',
        subscriptions: [
          {
            event_type: 'record.updated',
            filter: { $and: [{ field: 'x', operator: 'contains', value: 'y' }] },
          },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'validation_type' });
  });

  it('delivers record.created signed with the webhook secret in both signature headers', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const webhook = await createLocalWebhook(receiver.url, [
        { event_type: 'record.created', filter: null },
      ]);
      const id = await createCompany(1);
      await h.emulator.server.webhooks.settle();
      expect(receiver.received).toHaveLength(1);
      const { headers, body } = receiver.received[0];
      const expected = createHmac('sha256', webhook.secret).update(body).digest('hex');
      expect(headers['attio-signature']).toBe(expected);
      expect(headers['x-attio-signature']).toBe(expected);
      expect(headers['idempotency-key']).toEqual(expect.any(String));
      expect(JSON.parse(body)).toEqual({
        webhook_id: webhook.id.webhook_id,
        events: [
          {
            event_type: 'record.created',
            id: { workspace_id: expect.any(String), object_id: id.object_id, record_id: id.record_id },
            actor: { type: 'api-token', id: expect.any(String) },
          },
        ],
      });
    } finally {
      await receiver.close();
    }
  });

  it('sends one record.updated per changed attribute, none for an unchanged write', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await createLocalWebhook(receiver.url, [{ event_type: 'record.updated', filter: null }]);
      const id = await createCompany(2);
      await h.call(
        'PATCH',
        `/v2/objects/companies/records/${id.record_id}`,
        valuesBody({ name: ['Renamed'], description: ['New'] }),
      );
      await h.call(
        'PATCH',
        `/v2/objects/companies/records/${id.record_id}`,
        valuesBody({ name: ['Renamed'] }),
      );
      await h.emulator.server.webhooks.settle();
      const events = receiver.received.map((r) => JSON.parse(r.body).events[0]);
      const attrs = h.emulator.state.attributesOf(h.emulator.state.object('companies'));
      const slugOf = (attributeId: string) => attrs.find((a) => a.id.attribute_id === attributeId)?.api_slug;
      expect(events.map((e) => [e.event_type, slugOf(e.id.attribute_id)]).sort()).toEqual([
        ['record.updated', 'description'],
        ['record.updated', 'name'],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('applies subscription filters (equals / not_equals on dot paths)', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const companies = h.emulator.state.object('companies');
      const nameId = h.emulator.state.attribute(companies, 'name').id.attribute_id;
      await createLocalWebhook(receiver.url, [
        {
          event_type: 'record.updated',
          filter: {
            $and: [
              { field: 'id.attribute_id', operator: 'equals', value: nameId },
              { field: 'actor.type', operator: 'not_equals', value: 'api-token' },
            ],
          },
        },
      ]);
      const id = await createCompany(3);
      // An API-token change of the name is filtered out; a UI change (workspace member) goes through.
      await h.call(
        'PATCH',
        `/v2/objects/companies/records/${id.record_id}`,
        valuesBody({ name: ['By API'] }),
      );
      const ui = await h.call('POST', `/__sandbox/records/companies/${id.record_id}/values`, {
        values: { name: 'By a user', description: 'also by a user' },
      });
      expect(ui.status).toBe(200);
      await h.emulator.server.webhooks.settle();
      const events = receiver.received.map((r) => JSON.parse(r.body).events[0]);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ id: { attribute_id: nameId }, actor: { type: 'workspace-member' } });
    } finally {
      await receiver.close();
    }
  });

  it('retries failed deliveries with the same body, signature and Idempotency-Key', async () => {
    const receiver = await startWebhookReceiver({ failFirst: 2 });
    try {
      await createLocalWebhook(receiver.url, [{ event_type: 'record.created', filter: null }]);
      await createCompany(4);
      await h.emulator.server.webhooks.settle();
      expect(receiver.received).toHaveLength(3);
      const [a, b, c] = receiver.received;
      for (const r of [b, c]) {
        expect(r.body).toBe(a.body);
        expect(r.headers['idempotency-key']).toBe(a.headers['idempotency-key']);
        expect(r.headers['attio-signature']).toBe(a.headers['attio-signature']);
      }
      const log = (await h.call('GET', '/__sandbox/webhooks/deliveries')).json as {
        deliveries: Array<{ status: string; attempts: unknown[] }>;
      };
      expect(log.deliveries[0]).toMatchObject({ status: 'delivered' });
      expect(log.deliveries[0].attempts).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });
});
