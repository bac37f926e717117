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

  it('requires INTEGRATION_MODE to be set explicitly when NODE_ENV=production', () => {
    for (const unset of [undefined, '']) {
      const problems = problemsOf({ NODE_ENV: 'production', INTEGRATION_MODE: unset });
      expect(problems).toEqual([
        { variable: 'INTEGRATION_MODE', problem: expect.stringContaining('NODE_ENV=production') },
      ]);
    }
    // Chosen explicitly, sandbox stays allowed in production builds (demo deployments, benches).
    expect(loadAppConfig({ NODE_ENV: 'production', INTEGRATION_MODE: 'sandbox' }).mode).toBe('sandbox');
    expect(loadAppConfig({ NODE_ENV: 'development' }).mode).toBe('sandbox');
  });

  it.each([
    ['ATTIO_WEBHOOK_SECRET', `attio-live-secret,${SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET}`],
    ['ZOHO_WEBHOOK_SECRET', `LiveZohoSecret123, ${SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET}`],
    ['CHECKOUT_TOKEN_SECRET', `${'x'.repeat(40)},${SANDBOX_DEFAULTS.CHECKOUT_TOKEN_SECRET}`],
    ['BRAINTREE_MERCHANT_ACCOUNTS', 'USD:acme_usd,EUR:sandbox_eur'],
    // A public value is refused in any credential, not only in the variable it is the default of.
    ['ATTIO_API_TOKEN', SANDBOX_DEFAULTS.ADMIN_TOKEN],
  ])(
    'refuses a public sandbox value inside %s in live mode, wherever it stands in the list',
    (name, value) => {
      const problems = problemsOf(liveEnv({ [name]: value }));
      expect(problems).toEqual([
        { variable: name, problem: 'the public sandbox value is not allowed in live mode' },
      ]);
    },
  );

  it('checks every entry of a rotation list, not only the first', () => {
    expect(problemsOf(liveEnv({ ZOHO_WEBHOOK_SECRET: 'LiveZohoSecret123,bad secret!' }))).toEqual([
      { variable: 'ZOHO_WEBHOOK_SECRET', problem: 'Zoho secrets are alphanumeric, 12 to 50 characters' },
    ]);
    expect(
      problemsOf(liveEnv({ CHECKOUT_TOKEN_SECRET: `${'x'.repeat(40)},short` })).map((p) => p.variable),
    ).toEqual(['CHECKOUT_TOKEN_SECRET']);
    expect(
      loadAppConfig(liveEnv({ ZOHO_WEBHOOK_SECRET: 'LiveZohoSecret123, OldZohoSecret456' })).zoho
        .webhookSecrets,
    ).toEqual(['LiveZohoSecret123', 'OldZohoSecret456']);
  });

  describe('BRAINTREE_WEBHOOK_ADDITIONAL_KEYS (webhook key rotation)', () => {
    it('is empty by default and parses public:private pairs', () => {
      expect(loadAppConfig(liveEnv()).braintree.additionalWebhookKeys).toEqual([]);
      const config = loadAppConfig(
        liveEnv({ BRAINTREE_WEBHOOK_ADDITIONAL_KEYS: 'old_public:old_private, older_public:older_private' }),
      );
      expect(config.braintree.additionalWebhookKeys).toEqual([
        { publicKey: 'old_public', privateKey: 'old_private' },
        { publicKey: 'older_public', privateKey: 'older_private' },
      ]);
    });

    it.each(['old_public', 'old_public:', ':old_private', 'a:b:c', 'a:b,c'])(
      'rejects the malformed value %p',
      (value) => {
        expect(problemsOf(liveEnv({ BRAINTREE_WEBHOOK_ADDITIONAL_KEYS: value }))).toEqual([
          {
            variable: 'BRAINTREE_WEBHOOK_ADDITIONAL_KEYS',
            problem: expect.stringContaining('public:private'),
          },
        ]);
      },
    );

    it('refuses the public sandbox keys in live mode', () => {
      const sandboxPair = `${SANDBOX_DEFAULTS.BRAINTREE_PUBLIC_KEY}:${SANDBOX_DEFAULTS.BRAINTREE_PRIVATE_KEY}`;
      expect(
        problemsOf(liveEnv({ BRAINTREE_WEBHOOK_ADDITIONAL_KEYS: `old_public:old_private,${sandboxPair}` })),
      ).toEqual([
        {
          variable: 'BRAINTREE_WEBHOOK_ADDITIONAL_KEYS',
          problem: 'the public sandbox value is not allowed in live mode',
        },
      ]);
    });
  });

  it('formats one message naming each variable', () => {
    expect(() => loadAppConfig({ INTEGRATION_MODE: 'live' })).toThrow(
      /ATTIO_API_TOKEN: required when INTEGRATION_MODE=live/,
    );
  });

  describe('APP_ROLE', () => {
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };

    it('defaults to all, with or without Redis', () => {
      expect(loadAppConfig({}).role).toBe('all');
      expect(loadAppConfig(redis).role).toBe('all');
      expect(loadAppConfig({ APP_ROLE: 'all' }).role).toBe('all');
    });

    it.each(['web', 'worker'] as const)('accepts %s with REDIS_URL', (role) => {
      const config = loadAppConfig({ ...redis, APP_ROLE: role });
      expect(config.role).toBe(role);
      expect(config.redisUrl).toBe(redis.REDIS_URL);
    });

    it.each(['web', 'worker'])('refuses %s without REDIS_URL, saying what to do', (role) => {
      expect(problemsOf({ APP_ROLE: role })).toEqual([
        {
          variable: 'APP_ROLE',
          problem: expect.stringMatching(
            new RegExp(
              `^${role} needs REDIS_URL .*embedded SQLite queue belongs to one process: use APP_ROLE=all, or set REDIS_URL$`,
            ),
          ),
        },
      ]);
      // The same in live mode, next to the other problems.
      expect(problemsOf(liveEnv({ APP_ROLE: role })).map((p) => p.variable)).toEqual(['APP_ROLE']);
    });

    it('refuses an unknown role', () => {
      expect(problemsOf({ ...redis, APP_ROLE: 'api' })).toEqual([
        { variable: 'APP_ROLE', problem: 'must be one of web, worker, all (got "api")' },
      ]);
    });
  });

  describe('REDIS_DURABILITY', () => {
    it('defaults to aof and accepts waitaof', () => {
      expect(loadAppConfig({}).redisDurability).toBe('aof');
      expect(loadAppConfig({ REDIS_DURABILITY: 'waitaof' }).redisDurability).toBe('waitaof');
    });

    it('refuses anything else', () => {
      expect(problemsOf({ REDIS_DURABILITY: 'always' })).toEqual([
        { variable: 'REDIS_DURABILITY', problem: 'must be one of aof, waitaof (got "always")' },
      ]);
    });
  });

  describe('TRUST_PROXY_HOPS', () => {
    it('defaults to 0 (no proxy: X-Forwarded-For ignored) and takes a hop count', () => {
      expect(loadAppConfig({}).trustProxyHops).toBe(0);
      expect(loadAppConfig({ TRUST_PROXY_HOPS: '1' }).trustProxyHops).toBe(1);
    });

    it('refuses anything but a small whole number (true would trust whatever the client sends)', () => {
      for (const raw of ['-1', 'true', '1.5'])
        expect(problemsOf({ TRUST_PROXY_HOPS: raw }).map((p) => p.variable)).toEqual(['TRUST_PROXY_HOPS']);
    });
  });
});

describe('parseMerchantAccounts', () => {
  it('parses currency pairs and rejects anything else', () => {
    expect(parseMerchantAccounts('USD:a, GBP:b_2')).toEqual({ USD: 'a', GBP: 'b_2' });
    expect(parseMerchantAccounts('usd:a')).toBeNull();
    expect(parseMerchantAccounts('')).toBeNull();
  });
});
