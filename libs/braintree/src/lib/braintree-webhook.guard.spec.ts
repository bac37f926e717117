import {
  AllExceptionsFilter,
  APP_CONFIG,
  AppConfig,
  AppConfigModule,
  loadAppConfig,
  metricsRegistry,
  VERIFIED_WEBHOOK_KEY,
  VerifiedWebhook,
} from '@aia/platform';
import { BraintreeEmulator, createBraintreeEmulator, signBraintreePayload } from '@aia/sandbox-braintree';
import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BraintreeWebhookSummary } from './braintree-webhook.summary';
import { BraintreeWebhookGuard } from './braintree-webhook.guard';
import { BraintreeModule } from './braintree.module';
import { createBraintreeGateway } from './braintree-gateway.factory';

@Controller('webhooks')
class WebhookTestController {
  @Post('braintree')
  @HttpCode(200)
  @UseGuards(BraintreeWebhookGuard)
  receive(@Req() req: { [VERIFIED_WEBHOOK_KEY]?: VerifiedWebhook }): VerifiedWebhook | undefined {
    return req[VERIFIED_WEBHOOK_KEY];
  }
}

const CONFIG: AppConfig['braintree'] = {
  environment: 'emulator',
  gatewayUrl: 'http://127.0.0.1:4030',
  merchantId: 'sandbox_merchant',
  publicKey: 'sandbox_public_key',
  privateKey: 'sandbox_private_key',
  merchantAccounts: { USD: 'sandbox_usd' },
};
const OLD_KEYS = { publicKey: 'old_public_key', privateKey: 'old_private_key' };

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  const hit = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}

/** Captures what the emulator posts, so the guard sees real deliveries. */
async function captureOneDelivery(
  emulator: BraintreeEmulator,
  trigger: () => Promise<unknown>,
): Promise<string> {
  let body = '';
  const server: Server = createServer((req, res) => {
    req.on('data', (c) => (body += c));
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  emulator.state.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  await trigger();
  await emulator.server.webhooks.settle();
  await new Promise((r) => server.close(r));
  return body;
}

describe('BraintreeWebhookGuard', () => {
  let app: NestFastifyApplication;
  let emulator: BraintreeEmulator;
  let url: string;

  beforeAll(async () => {
    emulator = createBraintreeEmulator({ webhookBaseDelayMs: 10 });
    url = (await emulator.listen(0)).url;
    const moduleRef = await Test.createTestingModule({
      imports: [
        BraintreeModule.forRootAsync({
          useFactory: () => ({ braintree: CONFIG, additionalWebhookKeys: [OLD_KEYS] }),
        }),
      ],
      controllers: [WebhookTestController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { rawBody: true });
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  const post = (payload: string, contentType = 'application/x-www-form-urlencoded') =>
    app.inject({
      method: 'POST',
      url: '/webhooks/braintree',
      headers: { 'content-type': contentType },
      payload,
    });

  it('accepts a dispute webhook delivered by the emulator and attaches the verified summary', async () => {
    const sale = await fetch(`${url}/__sandbox/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: '4111111111111111', expirationDate: '12/30' }),
    });
    const { nonce } = (await sale.json()) as { nonce: string };
    const gateway = createBraintreeGateway({ ...CONFIG, gatewayUrl: url });
    const tx = (await gateway.transaction.sale({
      amount: '12.00',
      orderId: 'inv_w',
      paymentMethodNonce: nonce,
    })) as unknown as {
      transaction: { id: string };
    };
    const body = await captureOneDelivery(emulator, () =>
      fetch(`${url}/__sandbox/disputes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ transactionId: tx.transaction.id }),
      }),
    );
    const before = await counter('webhooks_received_total', { platform: 'braintree' });
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    const verified = res.json() as VerifiedWebhook & { payload: BraintreeWebhookSummary };
    expect(verified).toMatchObject({
      platform: 'braintree',
      type: 'dispute_opened',
      eventId: `dispute_opened:${verified.payload.dispute?.id}:${verified.payload.timestamp}`,
      rawBody: body,
    });
    expect(verified.payload.dispute?.id).toEqual(expect.any(String));
    expect(verified.payload.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(verified.payload).toMatchObject({
      kind: 'dispute_opened',
      dispute: { status: 'open', amount: '12.00', transactionId: tx.transaction.id },
      transaction: null,
    });
    expect(JSON.parse(JSON.stringify(verified.payload))).toEqual(verified.payload);
    expect(await counter('webhooks_received_total', { platform: 'braintree' })).toBe(before + 1);
  });

  describe('event id for de-duplication', () => {
    const signed = (xml: string, wrap: boolean) => {
      const b64 = Buffer.from(xml).toString('base64');
      const payload = wrap ? (b64.match(/.{1,60}/g) ?? []).join('\n') + '\n' : b64;
      return new URLSearchParams({
        bt_signature: signBraintreePayload(CONFIG.publicKey, CONFIG.privateKey, payload),
        bt_payload: payload,
      }).toString();
    };
    const notification = (kind: string, subject: string, spacing = '') =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<notification>${spacing}<timestamp type="datetime">2026-03-01T12:00:00Z</timestamp>${spacing}` +
      `<kind>${kind}</kind>${spacing}<subject>${subject}</subject></notification>\n`;
    const eventIdOf = async (form: string) => {
      const res = await post(form);
      expect(res.statusCode).toBe(200);
      return (res.json() as VerifiedWebhook).eventId;
    };

    it('is the same for a redelivery whose payload bytes differ (base64 wrapping, XML whitespace)', async () => {
      const dispute = '<dispute><id>dp_1</id><status>open</status></dispute>';
      const first = await eventIdOf(signed(notification('dispute_opened', dispute), true));
      const again = await eventIdOf(signed(notification('dispute_opened', dispute, '\n  '), false));
      expect(first).toBe('dispute_opened:dp_1:2026-03-01T12:00:00Z');
      expect(again).toBe(first);
    });

    it('keys transactions by transaction id, subscriptions by subscription id, checks by kind and time', async () => {
      const tx = '<transaction><id>tx_9</id><status>settlement_declined</status></transaction>';
      expect(await eventIdOf(signed(notification('transaction_settlement_declined', tx), true))).toBe(
        'transaction_settlement_declined:tx_9:2026-03-01T12:00:00Z',
      );
      const sub =
        '<subscription><id>sub_3</id><status>Past Due</status><transactions type="array"></transactions></subscription>';
      expect(await eventIdOf(signed(notification('subscription_went_past_due', sub), true))).toBe(
        'subscription_went_past_due:sub_3:2026-03-01T12:00:00Z',
      );
      expect(await eventIdOf(signed(notification('check', '<check type="boolean">true</check>'), true))).toBe(
        'check::2026-03-01T12:00:00Z',
      );
    });

    it('tells apart two events about one dispute (different kinds or times)', async () => {
      const dispute = '<dispute><id>dp_2</id></dispute>';
      const opened = await eventIdOf(signed(notification('dispute_opened', dispute), true));
      const lost = await eventIdOf(signed(notification('dispute_lost', dispute), true));
      const later = await eventIdOf(
        signed(notification('dispute_opened', dispute).replace('12:00:00Z', '12:05:00Z'), true),
      );
      expect(new Set([opened, lost, later]).size).toBe(3);
    });
  });

  it('accepts a payload signed with a rotated-out key pair that is still configured', async () => {
    const payload = Buffer.from(
      '<notification><kind>check</kind><subject><check type="boolean">true</check></subject></notification>',
    ).toString('base64');
    const form = new URLSearchParams({
      bt_signature: signBraintreePayload(OLD_KEYS.publicKey, OLD_KEYS.privateKey, payload),
      bt_payload: payload,
    }).toString();
    const res = await post(form);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: 'check' });
  });

  it.each([
    [
      'a tampered payload',
      (sig: string, payload: string) => ({
        bt_signature: sig,
        bt_payload: payload.replace(/^.{8}/, 'AAAAAAAA'),
      }),
      'invalid_signature',
    ],
    [
      'a signature made with another key',
      (_sig: string, payload: string) => ({
        bt_signature: signBraintreePayload('sandbox_public_key', 'not_the_private_key', payload),
        bt_payload: payload,
      }),
      'invalid_signature',
    ],
    [
      'an unknown public key',
      (_sig: string, payload: string) => ({
        bt_signature: signBraintreePayload('someone_else', 'sandbox_private_key', payload),
        bt_payload: payload,
      }),
      'invalid_signature',
    ],
    [
      'a missing bt_signature',
      (_sig: string, payload: string) => ({ bt_payload: payload }),
      'missing_fields',
    ],
    ['a missing bt_payload', (sig: string) => ({ bt_signature: sig }), 'missing_fields'],
  ])('rejects %s with 401 invalid_signature', async (_name, build, reason) => {
    const body = await captureOneDelivery(emulator, () =>
      fetch(`${url}/__sandbox/webhooks/check`, { method: 'POST' }),
    );
    const form = new URLSearchParams(body);
    const fields = build(form.get('bt_signature') as string, form.get('bt_payload') as string) as Record<
      string,
      string
    >;
    const before = await counter('webhooks_rejected_total', { platform: 'braintree', reason });
    const res = await post(new URLSearchParams(fields).toString());
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
    expect(await counter('webhooks_rejected_total', { platform: 'braintree', reason })).toBe(before + 1);
  });

  it.each([
    ['the default options factory', () => BraintreeModule.forRootAsync()],
    [
      "the API's factory (braintree: config.braintree)",
      () =>
        BraintreeModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ braintree: config.braintree }),
        }),
    ],
  ])(
    'accepts a key pair from BRAINTREE_WEBHOOK_ADDITIONAL_KEYS through %s',
    async (_name, braintreeModule) => {
      const config = loadAppConfig({
        BRAINTREE_WEBHOOK_ADDITIONAL_KEYS: `${OLD_KEYS.publicKey}:${OLD_KEYS.privateKey}`,
      });
      const moduleRef = await Test.createTestingModule({
        imports: [AppConfigModule.forRoot(config), braintreeModule()],
        controllers: [WebhookTestController],
      }).compile();
      const rotated = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
        rawBody: true,
      });
      rotated.useGlobalFilters(new AllExceptionsFilter());
      await rotated.init();
      await rotated.getHttpAdapter().getInstance().ready();
      try {
        const payload = Buffer.from(
          '<notification><kind>check</kind><subject><check type="boolean">true</check></subject></notification>',
        ).toString('base64');
        const sign = (keys: { publicKey: string; privateKey: string }) =>
          rotated.inject({
            method: 'POST',
            url: '/webhooks/braintree',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({
              bt_signature: signBraintreePayload(keys.publicKey, keys.privateKey, payload),
              bt_payload: payload,
            }).toString(),
          });
        expect((await sign(OLD_KEYS)).statusCode).toBe(200);
        expect((await sign(CONFIG)).statusCode).toBe(200);
        expect((await sign({ publicKey: 'other_public', privateKey: 'other_private' })).statusCode).toBe(401);
      } finally {
        await rotated.close();
      }
    },
  );

  it('reads the fields from the raw body when no form parser ran', async () => {
    const body = await captureOneDelivery(emulator, () =>
      fetch(`${url}/__sandbox/webhooks/check`, { method: 'POST' }),
    );
    const guard = new BraintreeWebhookGuard([createBraintreeGateway(CONFIG)]);
    const req: Record<string, unknown> = { body: undefined, rawBody: Buffer.from(body), headers: {} };
    const ctx = { switchToHttp: () => ({ getRequest: () => req }) } as never;
    await expect(guard.canActivate(ctx)).resolves.toBe(true);
    expect((req[VERIFIED_WEBHOOK_KEY] as VerifiedWebhook).type).toBe('check');
  });
});
