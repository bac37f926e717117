import {
  EngineContext,
  fieldError,
  GatewayReply,
  invalid,
  Json,
  obj,
  ok,
  randomId,
  str,
} from './engine-context';

/**
 * `POST /client_token` → `<client-token><value>…</value></client-token>`. The value is base64 JSON like a real
 * v2 client token (authorizationFingerprint, configUrl, …); browsers cannot use it against the emulator
 * (braintree-web only talks to Braintree domains — TOOLCHAIN.md), the sandbox card fields use
 * `POST /__sandbox/tokenize` instead.
 */
export class ClientTokenEngine {
  constructor(
    private readonly ctx: EngineContext,
    private readonly baseUrl: () => string,
  ) {}

  generate(body: Json): GatewayReply {
    const p = obj(body['client_token']);
    const customerId = str(p['customer_id']);
    const merchantAccountId = str(p['merchant_account_id']);
    if (customerId !== undefined && !this.ctx.state.customers.has(customerId)) {
      return invalid([
        {
          path: ['client-token'],
          errors: [fieldError('92804', 'customer_id', 'Customer specified by customer_id does not exist')],
        },
      ]);
    }
    if (merchantAccountId !== undefined && !(merchantAccountId in this.ctx.merchantAccounts)) {
      return invalid([
        {
          path: ['client-token'],
          errors: [fieldError('92807', 'merchant_account_id', 'Merchant account does not exist')],
        },
      ]);
    }
    const url = this.baseUrl();
    const merchantPath = `${url}/merchants/${this.ctx.merchantId}`;
    const token = {
      version: Number(str(p['version']) ?? 2),
      authorizationFingerprint: `${randomId(32)}|created_at=${this.ctx.clock.now().toISOString()}${
        customerId ? `&customer_id=${customerId}` : ''
      }`,
      configUrl: `${merchantPath}/client_api/v1/configuration`,
      clientApiUrl: `${merchantPath}/client_api`,
      assetsUrl: url,
      authUrl: url,
      environment: 'sandbox',
      merchantId: this.ctx.merchantId,
      merchantAccountId: merchantAccountId ?? this.ctx.defaultMerchantAccountId,
      graphQL: { url: `${url}/graphql`, date: '2018-05-08' },
      challenges: [],
      sandboxTokenizeUrl: `${url}/__sandbox/tokenize`,
    };
    return ok('client-token', { value: Buffer.from(JSON.stringify(token)).toString('base64') }, 201);
  }
}
