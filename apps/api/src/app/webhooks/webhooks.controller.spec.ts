// The webhook endpoints of the real API (createApiApp: AppModule, the platforms' own guards, the real store),
// fed by the three emulators in-process over real HTTP, as in sandbox mode. The API runs as an ingest-only
// instance (no workers), so what is checked is what the endpoints store, not what the workflows do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrainState, EVENTS_STORE } from '@aia/events';
import type { EventsStore } from '@aia/events';
import { AppConfig, configureHttpApp, fastifyAdapterOptions, loadAppConfig, Platform } from '@aia/platform';
import { AttioEmulator, createAttioEmulator, SANDBOX_MEMBER_ACTOR } from '@aia/sandbox-attio';
import { BraintreeEmulator, createBraintreeEmulator } from '@aia/sandbox-braintree';
import { createZohoEmulator, signZohoWebhook, ZohoEmulator } from '@aia/sandbox-zoho';
import { ZohoWebhookGuard } from '@aia/zoho';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../app.module';
import type { AppModuleOverrides } from '../app.module';
import { createApiApp } from '../create-api-app';

/** No workers and no sandbox provisioning of Attio at start-up: only the endpoints are under test. */
const INGEST_ONLY: AppModuleOverrides = {
  events: { workers: false },
  workflows: { provisionOnStart: false },
};

function apiConfig(dataDir: string, urls: { attio: string; zoho: string; braintree: string }): AppConfig {
  return loadAppConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ATTIO_API_URL: `${urls.attio}/v2`,
    ZOHO_ACCOUNTS_URL: urls.zoho,
    ZOHO_API_URL: `${urls.zoho}/billing/v1`,
    BRAINTREE_GATEWAY_URL: urls.braintree,
  });
}

describe('POST /webhooks/attio|zoho|braintree (real guards, emulators in-process)', () => {
  let dataDir: string;
  let attio: AttioEmulator;
  let zoho: ZohoEmulator;
  let braintree: BraintreeEmulator;
  let braintreeUrl: string;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let store: EventsStore;

  const stored = async (platform: Platform) =>
    (await store.inbox.list({ platform, limit: 50, offset: 0 })).items;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'aia-api-webhooks-'));
    attio = createAttioEmulator({ webhookBaseDelayMs: 10, readsPerSecond: 10_000, writesPerSecond: 10_000 });
    zoho = createZohoEmulator({ webhookBaseDelayMs: 10, requestsPerMinute: 100_000 });
    braintree = createBraintreeEmulator({ webhookBaseDelayMs: 10 });
    const urls = {
      attio: (await attio.listen(0)).url,
      zoho: (await zoho.listen(0)).url,
      braintree: (braintreeUrl = (await braintree.listen(0)).url),
    };
    zoho.seed();
    config = apiConfig(dataDir, urls);
    app = await createApiApp(config, INGEST_ONLY);
    await app.listen(0, '127.0.0.1');
    const api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    store = app.get<EventsStore>(EVENTS_STORE);

    // Point the emulators at the API with the secrets it verifies, as an operator configures the platforms.
    const webhook = attio.state.createWebhook({
      data: {
        target_url: `${api}/webhooks/attio`,
        subscriptions: [{ event_type: 'record.created', filter: null }],
      },
    });
    webhook.secret = config.attio.webhookSecrets[0];
    zoho.configureWebhooks({ url: `${api}/webhooks/zoho`, secret: config.zoho.webhookSecrets[0] });
    braintree.state.webhookUrl = `${api}/webhooks/braintree`;
  });

  afterAll(async () => {
    await app?.close();
    await Promise.allSettled([attio?.close(), zoho?.close(), braintree?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores an Attio delivery verified by AttioWebhookGuard, keyed by its Idempotency-Key', async () => {
    const record = attio.records.create(
      attio.state.object('companies'),
      { data: { values: { name: 'Acme', domains: ['acme.example.com'] } } },
      SANDBOX_MEMBER_ACTOR,
    );
    await attio.server.webhooks.settle();
    const [delivery] = attio.server.webhooks.list({ event: 'record.created' });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: [{ statusCode: 200 }] });
    const [event] = await stored('attio');
    expect(event).toMatchObject({
      platform: 'attio',
      type: 'record.created',
      eventId: delivery.headers['idempotency-key'],
    });
    const detail = await store.inbox.get(event.id);
    expect(detail?.rawBody).toBe(delivery.body);
    expect(detail?.payload).toMatchObject({ events: [{ id: { record_id: record.id.record_id } }] });
  });

  it('stores Zoho deliveries verified by ZohoWebhookGuard, keyed by event_id', async () => {
    const customer = zoho.billing.createCustomer({ display_name: 'Acme Inc', email: 'billing@acme.test' });
    const sub = zoho.billing.createSubscription({
      customer_id: customer.customer_id,
      plan: { plan_code: 'basic-monthly' },
      auto_collect: false,
    });
    await zoho.server.webhooks.settle();
    const deliveries = zoho.server.webhooks.list();
    expect(deliveries.map((d) => [d.event, d.status])).toEqual([
      ['subscription_created', 'delivered'],
      ['invoice_created', 'delivered'],
    ]);
    const events = await stored('zoho');
    expect(events.map((e) => [e.type, e.eventId]).sort()).toEqual(
      deliveries.map((d) => [d.event, (JSON.parse(d.body) as { event_id: string }).event_id]).sort(),
    );
    const invoiceEvent = events.find((e) => e.type === 'invoice_created');
    expect((await store.inbox.get(invoiceEvent?.id ?? ''))?.payload).toMatchObject({
      data: { invoice: { invoice_id: sub.child_invoice_id } },
    });
  });

  it('acknowledges a Braintree check notification verified by BraintreeWebhookGuard', async () => {
    const res = await fetch(`${braintreeUrl}/__sandbox/webhooks/check`, { method: 'POST' });
    await res.text();
    expect(res.status).toBe(200);
    await braintree.server.webhooks.settle();
    expect(braintree.server.webhooks.list({ event: 'check' })[0]).toMatchObject({ status: 'delivered' });
    expect(await stored('braintree')).toEqual([expect.objectContaining({ type: 'check', state: 'ignored' })]);
  });

  it('refuses a forged signature on each endpoint with 401 and stores nothing', async () => {
    const before = (await store.inbox.stats()).total;
    const forged = [
      { url: '/webhooks/attio', headers: { 'attio-signature': '0'.repeat(64) }, payload: '{"events":[]}' },
      {
        url: '/webhooks/zoho',
        headers: { 'x-zoho-webhook-signature': '0'.repeat(64) },
        payload: '{"event_id":"1","event_type":"invoice_created","data":{}}',
      },
    ];
    for (const f of forged) {
      const res = await app.inject({
        method: 'POST',
        url: f.url,
        headers: { 'content-type': 'application/json', ...f.headers },
        payload: f.payload,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
    }
    const bt = await app.inject({
      method: 'POST',
      url: '/webhooks/braintree',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'bt_signature=sandbox_public_key%7Cdeadbeef&bt_payload=PG5vdGlmaWNhdGlvbi8%2B',
    });
    expect(bt.statusCode).toBe(401);
    expect((await store.inbox.stats()).total).toBe(before);
  });

  // Last: the app stays draining.
  it('answers 503 to a correctly signed delivery while draining for shutdown', async () => {
    const before = (await store.inbox.stats()).total;
    app.get(DrainState).start();
    const raw = JSON.stringify({ event_id: '990001', event_type: 'invoice_created', data: {} });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/zoho',
      headers: {
        'content-type': 'application/json',
        'x-zoho-webhook-signature': signZohoWebhook(config.zoho.webhookSecrets[0], raw),
      },
      payload: raw,
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
    expect((await store.inbox.stats()).total).toBe(before);
  });
});

describe('WebhooksController wiring', () => {
  it('puts ZohoWebhookGuard on /webhooks/zoho (overrideGuard swaps it), and never acknowledges an unverified request', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aia-api-webhooks-'));
    const url = 'http://127.0.0.1:9';
    const config = apiConfig(dataDir, { attio: url, zoho: url, braintree: url });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(config, INGEST_ONLY)],
    })
      // A guard that lets everything through without attaching a verified webhook: a wiring bug.
      .overrideGuard(ZohoWebhookGuard)
      .useValue({ canActivate: () => true })
      .compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(fastifyAdapterOptions()),
      { rawBody: true, logger: false },
    );
    try {
      await configureHttpApp(app, config, { swagger: false });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/zoho',
        headers: { 'content-type': 'application/json' },
        payload: '{"event_id":"1","event_type":"invoice_created"}',
      });
      expect(res.statusCode).toBe(500);
      expect((await app.get<EventsStore>(EVENTS_STORE).inbox.stats()).total).toBe(0);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
