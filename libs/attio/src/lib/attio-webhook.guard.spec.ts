import { Controller, ExecutionContext, HttpCode, Logger, Post, Req, UseGuards } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createHash, createHmac } from 'node:crypto';
import {
  AllExceptionsFilter,
  AppConfigModule,
  ErrorCode,
  loadAppConfig,
  RequestWithWebhook,
  VerifiedWebhook,
  webhooksReceivedTotal,
  webhooksRejectedTotal,
} from '@aia/platform';
import { createAttioEmulator } from '@aia/sandbox-attio';
import { AttioModule } from './attio.module';
import { AttioWebhookGuard } from './attio-webhook.guard';

@Controller('webhooks')
class AttioHookController {
  static readonly received: VerifiedWebhook[] = [];

  @Post('attio')
  @HttpCode(200)
  @UseGuards(AttioWebhookGuard)
  receive(@Req() req: RequestWithWebhook) {
    if (req.verifiedWebhook) AttioHookController.received.push(req.verifiedWebhook);
    return req.verifiedWebhook;
  }
}

const NEW_SECRET = 'new-attio-webhook-secret';
const OLD_SECRET = 'old-attio-webhook-secret';

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');
const eventBody = (eventType = 'record.updated') =>
  JSON.stringify({
    webhook_id: 'a1b2c3d4-0000-4000-8000-000000000001',
    events: [
      {
        event_type: eventType,
        id: {
          workspace_id: 'a1b2c3d4-0000-4000-8000-000000000002',
          object_id: 'a1b2c3d4-0000-4000-8000-000000000003',
          record_id: 'a1b2c3d4-0000-4000-8000-000000000004',
          attribute_id: 'a1b2c3d4-0000-4000-8000-000000000005',
        },
        actor: { type: 'workspace-member', id: 'a1b2c3d4-0000-4000-8000-000000000006' },
      },
    ],
  });

const counter = async (
  c: typeof webhooksReceivedTotal | typeof webhooksRejectedTotal,
  labels: Record<string, string>,
) =>
  (await c.get()).values.find((v) =>
    Object.entries(labels).every(([k, val]) => v.labels[k as keyof typeof v.labels] === val),
  )?.value ?? 0;

async function buildApp(
  imports: Parameters<typeof Test.createTestingModule>[0]['imports'],
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports, controllers: [AttioHookController] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    rawBody: true,
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('AttioWebhookGuard', () => {
  let app: NestFastifyApplication;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    // Two secrets during a rotation: the new one first, the one being retired second.
    const config = loadAppConfig({
      INTEGRATION_MODE: 'sandbox',
      ATTIO_WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}`,
    });
    app = await buildApp([AppConfigModule.forRoot(config), AttioModule.forRootAsync()]);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const post = (body: string, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/attio',
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('accepts a valid Attio-Signature and attaches the verified webhook', async () => {
    const before = await counter(webhooksReceivedTotal, { platform: 'attio' });
    const body = eventBody();
    const res = await post(body, {
      'attio-signature': sign(NEW_SECRET, body),
      'idempotency-key': 'idem-1',
      authorization: 'Bearer x',
    });
    expect(res.statusCode).toBe(200);
    const verified = res.json() as VerifiedWebhook;
    expect(verified).toMatchObject({
      platform: 'attio',
      eventId: 'idem-1',
      type: 'record.updated',
      rawBody: body,
      payload: JSON.parse(body),
      headers: {
        'idempotency-key': 'idem-1',
        'attio-signature': expect.any(String),
        'content-type': 'application/json',
      },
    });
    expect(verified.headers).not.toHaveProperty('authorization');
    expect(Date.parse(verified.receivedAt)).not.toBeNaN();
    expect(await counter(webhooksReceivedTotal, { platform: 'attio' })).toBe(before + 1);
  });

  it('accepts X-Attio-Signature alone, and falls back to the body hash without an Idempotency-Key', async () => {
    const body = eventBody('record.created');
    const res = await post(body, { 'x-attio-signature': sign(NEW_SECRET, body) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      type: 'record.created',
      eventId: createHash('sha256').update(body).digest('hex'),
    });
  });

  it('accepts the secret being rotated out', async () => {
    const body = eventBody();
    expect((await post(body, { 'attio-signature': sign(OLD_SECRET, body) })).statusCode).toBe(200);
  });

  it.each([
    [
      'a tampered body',
      (body: string) => ({
        body: body.replace('record.updated', 'record.deleted'),
        headers: { 'attio-signature': sign(NEW_SECRET, body) },
      }),
      'invalid_signature',
    ],
    [
      'a wrong secret',
      (body: string) => ({ body, headers: { 'attio-signature': sign('some-other-secret', body) } }),
      'invalid_signature',
    ],
    [
      'a missing signature header',
      (body: string) => ({ body, headers: {} as Record<string, string> }),
      'missing_signature',
    ],
    [
      'a signature of the wrong length',
      (body: string) => ({ body, headers: { 'attio-signature': 'abc' } }),
      'invalid_signature',
    ],
  ])('rejects %s with 401 invalid_signature, counts it and logs no body', async (_name, make, reason) => {
    const before = await counter(webhooksRejectedTotal, { platform: 'attio', reason });
    const { body, headers } = make(eventBody());
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: { code: ErrorCode.InvalidSignature, message: 'Invalid Attio webhook signature' },
    });
    expect(await counter(webhooksRejectedTotal, { platform: 'attio', reason })).toBe(before + 1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).not.toContain('record.');
  });

  it('answers 400 for a correctly signed body that is not JSON', async () => {
    // Over HTTP, Fastify's JSON parser already refuses it with a 400 …
    const body = '{not json';
    expect((await post(body, { 'attio-signature': sign(NEW_SECRET, body) })).statusCode).toBe(400);
    // … and the guard itself refuses a verified body that does not parse (e.g. another content type).
    const guard = app.get(AttioWebhookGuard);
    const req = {
      rawBody: Buffer.from(body),
      headers: { 'attio-signature': sign(NEW_SECRET, body) },
      url: '/webhooks/attio',
    };
    const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
    expect(() => guard.canActivate(context)).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
    expect(req).not.toHaveProperty('verifiedWebhook');
  });
});

describe('AttioWebhookGuard with real deliveries from the Attio emulator', () => {
  it('verifies what the emulator signs, using the secret from the create-webhook answer', async () => {
    const secrets: string[] = [];
    const config = loadAppConfig({ INTEGRATION_MODE: 'sandbox' });
    const app = await buildApp([
      AppConfigModule.forRoot(config),
      AttioModule.forRootAsync({
        useFactory: () => ({ mode: 'sandbox' as const, attio: { ...config.attio, webhookSecrets: secrets } }),
      }),
    ]);
    const emulator = createAttioEmulator({ webhookBaseDelayMs: 10, webhookMaxAttempts: 2 });
    try {
      await app.listen(0, '127.0.0.1');
      const target = `${await app.getUrl()}/webhooks/attio`.replace('[::1]', '127.0.0.1');
      const attio = await emulator.listen(0);
      const call = (method: string, path: string, body: unknown) =>
        fetch(`${attio.url}${path}`, {
          method,
          headers: { authorization: 'Bearer sandbox-attio-token', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<{ data: { secret: string; id: { record_id: string } } }>);
      const webhook = await call('POST', '/v2/webhooks', {
        data: { target_url: target, subscriptions: [{ event_type: 'record.created', filter: null }] },
      });
      secrets.push(webhook.data.secret);
      AttioHookController.received.length = 0;
      const created = await call('POST', '/v2/objects/companies/records', {
        data: { values: { name: 'Signed Co' } },
      });
      await emulator.server.webhooks.settle();
      expect(emulator.server.webhooks.list()[0]).toMatchObject({ status: 'delivered' });
      expect(AttioHookController.received).toHaveLength(1);
      expect(AttioHookController.received[0]).toMatchObject({
        platform: 'attio',
        type: 'record.created',
        eventId: emulator.server.webhooks.list()[0].headers['idempotency-key'],
        payload: { events: [{ id: { record_id: created.data.id.record_id } }] },
      });
    } finally {
      await emulator.close();
      await app.close();
    }
  });
});
