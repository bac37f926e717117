import { patchV2WebhooksByWebhookId, postV2Webhooks } from 'attio-ts-sdk';
import { AttioHarness, expectAttioError, startAttio } from '../test/attio-test-harness';

// Update a webhook: https://docs.attio.com/rest-api/endpoint-reference/webhooks/update-a-webhook
describe('Attio emulator: PATCH /v2/webhooks/{webhook_id}', () => {
  let h: AttioHarness;
  beforeEach(async () => {
    h = await startAttio();
  });
  afterEach(() => h.close());

  const create = () =>
    postV2Webhooks({
      client: h.sdk,
      body: {
        data: {
          target_url: 'https://example.com/hook',
          subscriptions: [{ event_type: 'record.created', filter: null }],
        },
      },
    }).then((r) => r.data!.data);

  it('replaces the subscriptions, keeps id, target and secret; the answer has no secret', async () => {
    const created = await create();
    const res = await patchV2WebhooksByWebhookId({
      client: h.sdk,
      path: { webhook_id: created.id.webhook_id },
      body: {
        data: {
          subscriptions: [
            { event_type: 'record.created', filter: null },
            { event_type: 'record.updated', filter: null },
          ],
        },
      },
    });
    expect(res.response?.status).toBe(200);
    expect(res.data?.data).toMatchObject({
      id: created.id,
      target_url: 'https://example.com/hook',
      status: 'active',
      subscriptions: [
        { event_type: 'record.created', filter: null },
        { event_type: 'record.updated', filter: null },
      ],
    });
    expect(res.data?.data).not.toHaveProperty('secret');
    expect(h.emulator.state.webhooks).toEqual([
      expect.objectContaining({ secret: created.secret, subscriptions: res.data?.data.subscriptions }),
    ]);
  });

  it('changes only the target URL when only target_url is given', async () => {
    const created = await create();
    const res = await h.call('PATCH', `/v2/webhooks/${created.id.webhook_id}`, {
      data: { target_url: 'https://example.com/other' },
    });
    expect(res.status).toBe(200);
    expect(h.emulator.state.webhooks[0]).toMatchObject({
      target_url: 'https://example.com/other',
      subscriptions: [{ event_type: 'record.created', filter: null }],
    });
  });

  it('answers 404 not_found for an unknown webhook, 400 validation_type for a bad body', async () => {
    await expectAttioError(
      patchV2WebhooksByWebhookId({
        client: h.sdk,
        path: { webhook_id: '00000000-0000-4000-8000-000000000000' },
        body: { data: { subscriptions: [] } },
      }),
      404,
      'not_found',
    );
    const created = await create();
    const bad = await h.call('PATCH', `/v2/webhooks/${created.id.webhook_id}`, {
      data: { subscriptions: [{ filter: null }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'validation_type' });
    expect(h.emulator.state.webhooks[0].subscriptions).toHaveLength(1);
  });
});
