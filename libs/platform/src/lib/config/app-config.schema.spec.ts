import { ConfigValidationError, loadAppConfig, parseMerchantAccounts } from './app-config.schema';
import { SANDBOX_DEFAULTS } from './sandbox-defaults';

function liveEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    INTEGRATION_MODE: 'live',
    PUBLIC_API_URL: 'https://api.example.com',
    ATTIO_API_TOKEN: 'attio-live-token',
    ATTIO_WEBHOOK_SECRET: 'attio-live-secret,attio-old-secret',
    ZOHO_CLIENT_ID: '1000.LIVE',
    ZOHO_CLIENT_SECRET: 'live-zoho-secret',
    ZOHO_REFRESH_TOKEN: '1000.refresh',
    ZOHO_ORG_ID: '777',
    ZOHO_WEBHOOK_SECRET: 'LiveZohoSecret123',
    BRAINTREE_ENVIRONMENT: 'production',
    BRAINTREE_MERCHANT_ID: 'acme',
    BRAINTREE_PUBLIC_KEY: 'pk',
    BRAINTREE_PRIVATE_KEY: 'sk',
    BRAINTREE_MERCHANT_ACCOUNTS: 'USD:acme_usd,EUR:acme_eur',
    CHECKOUT_TOKEN_SECRET: 'x'.repeat(40),
    ADMIN_TOKEN: 'a'.repeat(32),
    ...overrides,
  };
}

function problemsOf(env: Record<string, string | undefined>): Array<{ variable: string; problem: string }> {
  try {
    loadAppConfig(env);
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadAppConfig', () => {
  it('defaults to sandbox mode with the emulator endpoints and credentials', () => {
    const config = loadAppConfig({});
    expect(config.mode).toBe('sandbox');
    expect(config.port).toBe(3000);
    expect(config.checkoutPublicUrl).toBe('http://localhost:4200');
    expect(config.attio.apiUrl).toBe(SANDBOX_DEFAULTS.ATTIO_API_URL);
    expect(config.attio.object).toBe('companies');
    expect(config.zoho.orgId).toBe('10000001');
    expect(config.braintree.environment).toBe('emulator');
    expect(config.braintree.merchantAccounts['USD']).toBe('sandbox_usd');
    expect(config.dataDir).toBe('./data');
  });

  it('names every missing credential in live mode', () => {
    const problems = problemsOf({ INTEGRATION_MODE: 'live' });
    const names = problems.map((p) => p.variable);
    for (const name of [
      'ATTIO_API_TOKEN',
      'ZOHO_CLIENT_ID',
      'ZOHO_REFRESH_TOKEN',
      'BRAINTREE_PRIVATE_KEY',
      'CHECKOUT_TOKEN_SECRET',
      'ADMIN_TOKEN',
      'BRAINTREE_ENVIRONMENT',
    ]) {
      expect(names).toContain(name);
    }
    expect(problems.every((p) => p.problem.length > 0)).toBe(true);
  });

  it('accepts a complete live configuration and derives Zoho hosts from the data center', () => {
    const config = loadAppConfig(liveEnv({ ZOHO_DC: 'eu' }));
    expect(config.zoho.accountsUrl).toBe('https://accounts.zoho.eu');
    expect(config.zoho.apiUrl).toBe('https://www.zohoapis.eu/billing/v1');
    expect(config.attio.webhookSecrets).toEqual(['attio-live-secret', 'attio-old-secret']);
    expect(config.braintree.merchantAccounts).toEqual({ USD: 'acme_usd', EUR: 'acme_eur' });
  });

  it('uses the Canada accounts host', () => {
    expect(loadAppConfig(liveEnv({ ZOHO_DC: 'ca' })).zoho.accountsUrl).toBe('https://accounts.zohocloud.ca');
  });

  it('lets explicit Zoho URLs override the data center', () => {
    const config = loadAppConfig(liveEnv({ ZOHO_API_URL: 'https://proxy.example.com/billing/v1' }));
    expect(config.zoho.apiUrl).toBe('https://proxy.example.com/billing/v1');
  });

  it('reports malformed values with the reason, all at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      ZOHO_DC: 'mars',
      CHECKOUT_PUBLIC_URL: 'not a url',
      INTEGRATION_MODE: 'prod',
    });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'CHECKOUT_PUBLIC_URL',
      'INTEGRATION_MODE',
      'PORT',
      'ZOHO_DC',
    ]);
  });

  it('refuses the public sandbox credentials and the emulator in live mode', () => {
    const problems = problemsOf(
      liveEnv({ ATTIO_API_TOKEN: SANDBOX_DEFAULTS.ATTIO_API_TOKEN, BRAINTREE_ENVIRONMENT: 'emulator' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ variable: 'ATTIO_API_TOKEN' }),
        expect.objectContaining({ variable: 'BRAINTREE_ENVIRONMENT' }),
      ]),
    );
  });

  it('rejects short secrets and malformed merchant accounts', () => {
    const problems = problemsOf(
      liveEnv({
        CHECKOUT_TOKEN_SECRET: 'short',
        BRAINTREE_MERCHANT_ACCOUNTS: 'usd=acme',
        ZOHO_WEBHOOK_SECRET: 'bad secret!',
      }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'BRAINTREE_MERCHANT_ACCOUNTS',
      'CHECKOUT_TOKEN_SECRET',
      'ZOHO_WEBHOOK_SECRET',
    ]);
  });

  it('formats one message naming each variable', () => {
    expect(() => loadAppConfig({ INTEGRATION_MODE: 'live' })).toThrow(
      /ATTIO_API_TOKEN: required when INTEGRATION_MODE=live/,
    );
  });
});

describe('parseMerchantAccounts', () => {
  it('parses currency pairs and rejects anything else', () => {
    expect(parseMerchantAccounts('USD:a, GBP:b_2')).toEqual({ USD: 'a', GBP: 'b_2' });
    expect(parseMerchantAccounts('usd:a')).toBeNull();
    expect(parseMerchantAccounts('')).toBeNull();
  });
});
