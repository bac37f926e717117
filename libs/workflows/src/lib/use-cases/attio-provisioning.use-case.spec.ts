import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { AttioModule, attioOptionsFromConfig } from '@aia/attio';
import { AppConfigModule, loadAppConfig } from '@aia/platform';
import { createAttioEmulator } from '@aia/sandbox-attio';
import type { AttioEmulator } from '@aia/sandbox-attio';
import { createZohoEmulator, DEFAULT_PRODUCT_ID } from '@aia/sandbox-zoho';
import type { ZohoEmulator } from '@aia/sandbox-zoho';
import { ZohoModule } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTES } from '../customer-record/customer-attributes';
import { AttioProvisioningUseCase, describeChanges } from './attio-provisioning.use-case';
import type { CreatedWebhook, ProvisioningChange } from './attio-provisioning.use-case';

const API = 'https://api.example.test';
const TARGET = `${API}/webhooks/attio`;

describe('AttioProvisioningUseCase: plan, then apply; idempotent', () => {
  let attio: AttioEmulator;
  let zoho: ZohoEmulator;
  let moduleRef: TestingModule;
  let provisioning: AttioProvisioningUseCase;

  beforeEach(async () => {
    attio = createAttioEmulator({ readsPerSecond: 10_000, writesPerSecond: 10_000 });
    zoho = createZohoEmulator({ requestsPerMinute: 100_000 });
    const attioUrl = (await attio.listen(0)).url;
    const zohoUrl = (await zoho.listen(0)).url;
    zoho.seed();
    const config = loadAppConfig({
      LOG_LEVEL: 'silent',
      PUBLIC_API_URL: API,
      ATTIO_API_URL: `${attioUrl}/v2`,
      ZOHO_ACCOUNTS_URL: zohoUrl,
      ZOHO_API_URL: `${zohoUrl}/billing/v1`,
    });
    moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(config),
        // Short backoff: one test makes every attempt of a delete fail.
        AttioModule.forRootAsync({
          useFactory: () => ({
            ...attioOptionsFromConfig(config),
            policy: { baseDelayMs: 5, maxDelayMs: 20 },
          }),
        }),
        ZohoModule.forRootAsync(),
      ],
      providers: [AttioProvisioningUseCase],
    }).compile();
    provisioning = moduleRef.get(AttioProvisioningUseCase);
  });
  afterEach(async () => {
    await moduleRef.close();
    await Promise.all([attio.close(), zoho.close()]);
  });

  const slugs = () => attio.state.attributes.map((a) => a.api_slug);
  const ofKind = <K extends ProvisioningChange['kind']>(changes: ProvisioningChange[], kind: K) =>
    changes.filter((c): c is Extract<ProvisioningChange, { kind: K }> => c.kind === kind);

  it('plans everything on an empty workspace without changing it, applies it, then has nothing to do', async () => {
    const before = slugs().length;
    const plan = await provisioning.plan();
    expect(ofKind(plan.changes, 'attribute').map((c) => c.slug)).toEqual([
      ...CUSTOMER_ATTRIBUTES.map((a) => a.input.api_slug),
      'billing_email',
    ]);
    expect(ofKind(plan.changes, 'option').filter((c) => c.attribute === 'subscription_plan')).toEqual([
      { kind: 'option', attribute: 'subscription_plan', title: 'basic-monthly' },
      { kind: 'option', attribute: 'subscription_plan', title: 'pro-monthly' },
      { kind: 'option', attribute: 'subscription_plan', title: 'pro-yearly' },
    ]);
    expect(ofKind(plan.changes, 'webhook')).toEqual([
      { kind: 'webhook', targetUrl: TARGET, eventTypes: ['record.created', 'record.updated'], replaces: [] },
    ]);
    expect(plan.webhook).toEqual({ targetUrl: TARGET });
    expect(slugs()).toHaveLength(before);
    expect(attio.state.webhooks).toHaveLength(0);

    const applied: ProvisioningChange[] = [];
    const result = await provisioning.apply(plan, { onChange: (c) => applied.push(c) });
    expect(applied).toEqual(plan.changes);
    expect(result.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(attio.state.webhooks).toEqual([
      expect.objectContaining({ target_url: TARGET, secret: result.webhookSecret }),
    ]);
    expect(slugs()).toEqual(expect.arrayContaining(['zoho_customer_id', 'subscription_plan']));

    const again = await provisioning.plan();
    expect(again.changes).toEqual([]);
    expect(again.webhook.existing).toMatchObject({ status: 'active', missingEventTypes: [] });
    expect(describeChanges(again.changes)).toBe('nothing to change');
    expect(await provisioning.execute()).toEqual({ changes: [], applied: true });
  });

  it('adds only what is missing: an option for a new Zoho plan', async () => {
    await provisioning.execute();
    zoho.billing.createPlan({
      plan_code: 'team-monthly',
      name: 'Team',
      recurring_price: 49,
      interval: 1,
      product_id: DEFAULT_PRODUCT_ID,
    });
    const dry = await provisioning.execute({ dryRun: true });
    expect(dry).toEqual({
      applied: false,
      changes: [{ kind: 'option', attribute: 'subscription_plan', title: 'team-monthly' }],
    });
    await provisioning.execute();
    expect((await provisioning.plan()).changes).toEqual([]);
  });

  it('recreateWebhook: a new webhook (new secret) replaces the existing one, created first', async () => {
    const first = await provisioning.execute();
    const oldId = first.webhookId as string;
    const plan = await provisioning.plan({ recreateWebhook: true });
    expect(plan.changes).toEqual([
      {
        kind: 'webhook',
        targetUrl: TARGET,
        eventTypes: ['record.created', 'record.updated'],
        replaces: [oldId],
      },
    ]);
    const result = await provisioning.apply(plan);
    expect(result.webhookSecret).not.toBe(first.webhookSecret);
    expect(attio.state.webhooks.map((w) => w.id.webhook_id)).toEqual([result.webhookId]);
  });

  it('an existing webhook missing event types gets them by PATCH: same webhook, same secret', async () => {
    const existing = attio.state.createWebhook({
      data: { target_url: TARGET, subscriptions: [{ event_type: 'record.created', filter: null }] },
    });
    const plan = await provisioning.plan();
    expect(plan.webhook.existing?.missingEventTypes).toEqual(['record.updated']);
    expect(ofKind(plan.changes, 'webhook')).toEqual([]);
    expect(ofKind(plan.changes, 'webhook-subscriptions')).toEqual([
      {
        kind: 'webhook-subscriptions',
        webhookId: existing.id.webhook_id,
        targetUrl: TARGET,
        adds: ['record.updated'],
        subscriptions: [
          { event_type: 'record.created', filter: null },
          { event_type: 'record.updated', filter: null },
        ],
      },
    ]);
    expect(describeChanges(ofKind(plan.changes, 'webhook-subscriptions'))).toBe(
      `webhook ${existing.id.webhook_id} → ${TARGET}: also subscribe to record.updated (same webhook and secret)`,
    );
    const result = await provisioning.apply(plan);
    expect(result.webhookSecret).toBeUndefined();
    expect(attio.state.webhooks).toEqual([
      expect.objectContaining({
        id: existing.id,
        secret: existing.secret,
        subscriptions: [
          { event_type: 'record.created', filter: null },
          { event_type: 'record.updated', filter: null },
        ],
      }),
    ]);
    expect((await provisioning.plan()).changes).toEqual([]);
  });

  it('recreateWebhook: the secret reaches the caller first; a failed delete of the old one is reported, not thrown', async () => {
    const first = await provisioning.execute();
    const oldId = first.webhookId as string;
    const plan = await provisioning.plan({ recreateWebhook: true });
    // Every DELETE of the old webhook fails (and its GET, which nothing calls).
    attio.server.faults.configure({ errorRate: 1, errorStatus: 500, pathIncludes: `/webhooks/${oldId}` });
    const seen: CreatedWebhook[] = [];
    const result = await provisioning.apply(plan, { onWebhookCreated: (c) => seen.push(c) });
    const fresh = attio.state.webhooks.find((w) => w.id.webhook_id !== oldId);
    expect(seen).toEqual([{ webhookId: fresh?.id.webhook_id, secret: fresh?.secret, targetUrl: TARGET }]);
    expect(result).toMatchObject({ webhookId: fresh?.id.webhook_id, webhookSecret: fresh?.secret });
    expect(result.undeletedWebhooks).toEqual([
      { webhookId: oldId, error: expect.objectContaining({ kind: 'unavailable' }) },
    ]);
    expect(attio.state.webhooks.map((w) => w.id.webhook_id)).toEqual([oldId, fresh?.id.webhook_id]);
  });
});
