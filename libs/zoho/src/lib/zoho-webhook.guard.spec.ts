import { Controller, ExecutionContext, HttpCode, Logger, Post, Req, UseGuards } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  AllExceptionsFilter,
  AppConfigModule,
  ErrorCode,
  loadAppConfig,
  RequestWithWebhook,
  webhooksReceivedTotal,
  webhooksRejectedTotal,
} from '@aia/platform';
import { createZohoEmulator, signZohoWebhook } from '@aia/sandbox-zoho';
import { ZohoModule } from './zoho.module';
import { ZohoWebhookGuard } from './zoho-webhook.guard';

@Controller('webhooks')
class ZohoHookController {
  static readonly received: string[] = [];

  @Post('zoho')
  @HttpCode(200)
  @UseGuards(ZohoWebhookGuard)
  receive(@Req() req: RequestWithWebhook) {
    if (req.verifiedWebhook) ZohoHookController.received.push(req.verifiedWebhook.type);
    return req.verifiedWebhook;
  }
}

const OLD_SECRET = 'oldsecret12345678';
const NEW_SECRET = 'newsecret12345678';

const eventBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: '460000000001234',
    event_type: 'invoice_created',
    event_time: '2026-01-01T00:00:00+0000',
    data: { invoice: { invoice_id: '1' } },
    ...overrides,
  });

const counter = async (
  c: typeof webhooksReceivedTotal | typeof webhooksRejectedTotal,
  labels: Record<string, string>,
) =>
  (await c.get()).values.find((v) =>
    Object.entries(labels).every(([k, val]) => v.labels[k as keyof typeof v.labels] === val),
  )?.value ?? 0;

describe('ZohoWebhookGuard', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // Two secrets configured: the new one and the one being rotated out.
    const config = loadAppConfig({
      INTEGRATION_MODE: 'sandbox',
      ZOHO_WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}`,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), ZohoModule.forRootAsync()],
      controllers: [ZohoHookController],
    }).compile();
    app = moduleRef.createNestApplication(new FastifyAdapter(), { rawBody: true });
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const post = (body: string, headers: Record<string, string>, url = '/webhooks/zoho') =>
    app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('accepts a valid signature and attaches the verified webhook', async () => {
    const before = await counter(webhooksReceivedTotal, { platform: 'zoho' });
    const body = eventBody();
    const res = await post(body, { 'x-zoho-webhook-signature': signZohoWebhook(NEW_SECRET, body) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      platform: 'zoho',
      eventId: '460000000001234',
      type: 'invoice_created',
      rawBody: body,
      payload: { data: { invoice: { invoice_id: '1' } } },
      headers: { 'content-type': 'application/json', 'x-zoho-webhook-signature': expect.any(String) },
    });
    expect(await counter(webhooksReceivedTotal, { platform: 'zoho' })).toBe(before + 1);
  });

  it('accepts the secret being rotated out, and signs query parameters too', async () => {
    const body = eventBody();
    const sig = signZohoWebhook(OLD_SECRET, body, { tenant: 'acme', a: '1' });
    expect(
      (await post(body, { 'x-zoho-webhook-signature': sig }, '/webhooks/zoho?tenant=acme&a=1')).statusCode,
    ).toBe(200);
    // The same signature without the query parameters does not verify.
    expect((await post(body, { 'x-zoho-webhook-signature': sig })).statusCode).toBe(401);
  });

  it.each([
    [
      'a tampered body',
      (b: string) => ({
        body: b.replace('invoice_created', 'invoice_deleted'),
        sig: signZohoWebhook(NEW_SECRET, b),
      }),
      'invalid_signature',
    ],
    [
      'a wrong secret',
      (b: string) => ({ body: b, sig: signZohoWebhook('someoneelse123456', b) }),
      'invalid_signature',
    ],
    ['a missing header', (b: string) => ({ body: b, sig: undefined }), 'missing_signature'],
    [
      'a truncated signature',
      (b: string) => ({ body: b, sig: signZohoWebhook(NEW_SECRET, b).slice(0, 10) }),
      'invalid_signature',
    ],
  ])('rejects %s with 401 invalid_signature and counts it', async (_name, make, reason) => {
    const before = await counter(webhooksRejectedTotal, { platform: 'zoho', reason });
    const { body, sig } = make(eventBody());
    const res = await post(body, sig ? { 'x-zoho-webhook-signature': sig } : {});
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: { code: 'invalid_signature', message: 'Invalid Zoho webhook signature' },
    });
    expect(await counter(webhooksRejectedTotal, { platform: 'zoho', reason })).toBe(before + 1);
  });

  it('answers 400 when a correctly signed body is not JSON or has no event_id', async () => {
    // Over HTTP a broken JSON body is refused by the JSON parser before the guard runs: still a 400.
    const broken = '{"event_id": ';
    const a = await post(broken, { 'x-zoho-webhook-signature': signZohoWebhook(NEW_SECRET, broken) });
    expect(a.statusCode).toBe(400);
    const noId = JSON.stringify({ event_type: 'invoice_created', data: {} });
    const b = await post(noId, { 'x-zoho-webhook-signature': signZohoWebhook(NEW_SECRET, noId) });
    expect(b.statusCode).toBe(400);
    expect(b.json()).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('throws DomainError(BadRequest) itself for a verified body that is not JSON (guard called directly)', () => {
    const guard = app.get(ZohoWebhookGuard);
    const raw = Buffer.from('event_id=1&event_type=x');
    const req = {
      rawBody: raw,
      headers: { 'x-zoho-webhook-signature': signZohoWebhook(NEW_SECRET, raw) },
      url: '/webhooks/zoho',
      ip: '127.0.0.1',
    };
    const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
    expect(() => guard.canActivate(context)).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
    const unsigned = { ...req, headers: {} };
    const context2 = { switchToHttp: () => ({ getRequest: () => unsigned }) } as unknown as ExecutionContext;
    expect(() => guard.canActivate(context2)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidSignature }),
    );
  });

  it('logs a warning without the body or the signature', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const body = eventBody({ data: { secret_marker: 'do-not-log' } });
    await post(body, { 'x-zoho-webhook-signature': 'f'.repeat(64) });
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'invalid_signature' }),
      'Zoho webhook rejected',
    );
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/do-not-log|ffffffff/);
    warn.mockRestore();
  });

  it('verifies real deliveries signed by the Zoho emulator (sandbox end to end)', async () => {
    await app.listen(0, '127.0.0.1');
    const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/webhooks/zoho`;
    const emulator = createZohoEmulator({
      webhookUrl: url,
      webhookSecret: NEW_SECRET,
      webhookBaseDelayMs: 10,
      webhookMaxAttempts: 2,
    });
    emulator.seed();
    try {
      const customer = emulator.billing.createCustomer({ display_name: 'E2E Co', email: 'e2e@acme.test' });
      emulator.billing.createSubscription({
        customer_id: customer.customer_id,
        plan: { plan_code: 'basic-monthly' },
        auto_collect: false,
      });
      await emulator.server.webhooks.settle();
      expect(emulator.server.webhooks.list().map((d) => d.status)).toEqual(['delivered', 'delivered']);
      expect(ZohoHookController.received.slice(-2)).toEqual(['subscription_created', 'invoice_created']);
    } finally {
      await emulator.close();
    }
  });
});
