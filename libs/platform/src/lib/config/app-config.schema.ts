import {
  duration,
  durationList,
  EnvOf,
  httpUrl,
  integer,
  matching,
  oneOf,
  parseEnv,
  text,
} from './env-fields';
import { APP_ROLES, AppConfig } from './app-config';
import { SANDBOX_DEFAULTS } from './sandbox-defaults';
import { ZOHO_BILLING_PATH, ZOHO_DATA_CENTERS, ZohoDataCenter } from './zoho-data-centers';

/** Raised at boot; the message names every offending variable and why, one per line. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: Array<{ variable: string; problem: string }>) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** Variables that must be set when INTEGRATION_MODE=live. */
export const LIVE_REQUIRED_VARIABLES = [
  'ATTIO_API_TOKEN',
  'ATTIO_WEBHOOK_SECRET',
  'ZOHO_CLIENT_ID',
  'ZOHO_CLIENT_SECRET',
  'ZOHO_REFRESH_TOKEN',
  'ZOHO_ORG_ID',
  'ZOHO_WEBHOOK_SECRET',
  'BRAINTREE_MERCHANT_ID',
  'BRAINTREE_PUBLIC_KEY',
  'BRAINTREE_PRIVATE_KEY',
  'BRAINTREE_MERCHANT_ACCOUNTS',
  'CHECKOUT_TOKEN_SECRET',
  'ADMIN_TOKEN',
  'PUBLIC_API_URL',
] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envShape = {
  INTEGRATION_MODE: oneOf(['sandbox', 'live'] as const).default('sandbox'),
  NODE_ENV: text().default('development'),
  LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
  PORT: integer(1, 65535).default(3000),
  TRUST_PROXY_HOPS: integer(0, 16).default(0),
  PUBLIC_API_URL: httpUrl('PUBLIC_API_URL'),
  CHECKOUT_PUBLIC_URL: httpUrl('CHECKOUT_PUBLIC_URL'),
  DATA_DIR: text().default('./data'),
  ADMIN_TOKEN: text(),
  ALERT_WEBHOOK_URL: httpUrl('ALERT_WEBHOOK_URL'),
  APP_ROLE: oneOf(APP_ROLES).default('all'),
  REDIS_URL: matching(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://'),
  REDIS_DURABILITY: oneOf(['aof', 'waitaof'] as const).default('aof'),
  ATTIO_API_URL: httpUrl('ATTIO_API_URL'),
  ATTIO_API_TOKEN: text(),
  ATTIO_WEBHOOK_SECRET: text(),
  ATTIO_OBJECT: matching(/^[a-z0-9_-]+$/, 'an object slug such as companies or people').default('companies'),
  ZOHO_DC: oneOf(Object.keys(ZOHO_DATA_CENTERS) as ZohoDataCenter[]).default('com'),
  ZOHO_ACCOUNTS_URL: httpUrl('ZOHO_ACCOUNTS_URL'),
  ZOHO_API_URL: httpUrl('ZOHO_API_URL'),
  ZOHO_CLIENT_ID: text(),
  ZOHO_CLIENT_SECRET: text(),
  ZOHO_REFRESH_TOKEN: text(),
  ZOHO_ORG_ID: matching(/^\d+$/, 'digits only'),
  ZOHO_WEBHOOK_SECRET: text(),
  ZOHO_REQUESTS_PER_MINUTE: integer(1).default(100),
  BRAINTREE_ENVIRONMENT: oneOf(['sandbox', 'production', 'emulator'] as const),
  BRAINTREE_GATEWAY_URL: httpUrl('BRAINTREE_GATEWAY_URL'),
  BRAINTREE_MERCHANT_ID: text(),
  BRAINTREE_PUBLIC_KEY: text(),
  BRAINTREE_PRIVATE_KEY: text(),
  BRAINTREE_MERCHANT_ACCOUNTS: text(),
  BRAINTREE_WEBHOOK_ADDITIONAL_KEYS: text(),
  CHECKOUT_TOKEN_SECRET: text(),
  CHECKOUT_SESSION_TTL_HOURS: integer(1, 24 * 90).default(24 * 7),
  CHECKOUT_TRIGGER_ATTRIBUTE: matching(/^[a-z0-9_]+$/, 'an attribute slug').default('subscription_status'),
  CHECKOUT_TRIGGER_VALUE: text().default('send_checkout'),
  CHECKOUT_3DS: oneOf(['off', 'required'] as const).default('off'),
  ZOHO_CURRENCY_CODE: matching(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD').default('USD'),
  PAYMENT_RETRY_SCHEDULE: durationList().default([1, 3, 5, 7].map((d) => d * 86_400_000)),
  PAYMENT_FINAL_ACTION: oneOf(['mark_unpaid', 'cancel_subscription'] as const).default('mark_unpaid'),
  SETTLEMENT_POLL_INTERVAL: duration().default(3_600_000),
  SETTLEMENT_LOOKBACK: duration().default(14 * 86_400_000),
  PLAN_CHANGE_AT: oneOf(['immediately', 'end_of_term'] as const).default('immediately'),
  CANCEL_AT: oneOf(['end_of_term', 'immediately'] as const).default('end_of_term'),
  BILLING_NAME_ATTRIBUTE: matching(/^[a-z0-9_]+$/, 'an attribute slug').default('name'),
  BILLING_EMAIL_ATTRIBUTE: matching(/^[a-z0-9_]+$/, 'an attribute slug').default('billing_email'),
};

type Env = EnvOf<typeof envShape>;

/** Every environment variable the service reads (docs and deploy files are checked against it). */
export const KNOWN_ENV_VARIABLES = Object.keys(envShape) as Array<keyof Env>;

/** `USD:acme_usd,EUR:acme_eur` → `{USD: 'acme_usd', EUR: 'acme_eur'}`; null when malformed. */
export function parseMerchantAccounts(raw: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Z]{3}):([A-Za-z0-9_-]+)$/.exec(pair);
    if (!m) return null;
    out[m[1]] = m[2];
  }
  return Object.keys(out).length ? out : null;
}

const secrets = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * `old_public:old_private,older_public:older_private` → key pairs whose webhook signatures are still accepted
 * (Braintree key rotation, BraintreeModuleOptions.additionalWebhookKeys); null when malformed.
 */
export function parseKeyPairs(raw: string): Array<{ publicKey: string; privateKey: string }> | null {
  const pairs = secrets(raw).map((entry) => /^([^:\s]+):([^:\s]+)$/.exec(entry));
  if (pairs.some((m) => m === null)) return null;
  return (pairs as RegExpExecArray[]).map((m) => ({ publicKey: m[1], privateKey: m[2] }));
}

/** Variables whose every value (each entry of a list, each key of a pair) is checked against the public ones. */
const CREDENTIAL_VARIABLES = [
  ...(Object.keys(SANDBOX_DEFAULTS) as Array<keyof typeof SANDBOX_DEFAULTS>).filter(
    (n) => !n.endsWith('_URL'),
  ),
  'BRAINTREE_WEBHOOK_ADDITIONAL_KEYS',
] as const;

function valuesOf(name: string, raw: string | undefined): string[] {
  const entries = secrets(raw ?? '');
  return name === 'BRAINTREE_WEBHOOK_ADDITIONAL_KEYS' ? entries.flatMap((pair) => pair.split(':')) : entries;
}

/** Every public sandbox value (entries of the list defaults too): none may appear in any credential live. */
const PUBLIC_SANDBOX_VALUES = new Set(
  Object.entries(SANDBOX_DEFAULTS)
    .filter(([name]) => !name.endsWith('_URL'))
    .flatMap(([name, value]) => valuesOf(name, value)),
);

/** Validates the environment and returns the typed config, or throws ConfigValidationError naming every problem. */
export function loadAppConfig(rawEnv: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = parseEnv(envShape, rawEnv);
  const problems = parsed.problems;
  if (parsed.env.NODE_ENV === 'production' && !rawEnv['INTEGRATION_MODE']) {
    // A production build that silently talked to the emulators (or failed later on missing credentials)
    // would hide a forgotten variable; sandbox stays possible, but only when asked for.
    problems.push({
      variable: 'INTEGRATION_MODE',
      problem: 'must be set explicitly when NODE_ENV=production (live, or sandbox for a demo)',
    });
  }
  if (parsed.env.APP_ROLE !== 'all' && !parsed.env.REDIS_URL) {
    // The embedded SQLite queue lives in one process's data directory: a web process would store webhooks
    // that no worker ever sees, and a worker would wait on a queue nobody fills.
    problems.push({
      variable: 'APP_ROLE',
      problem:
        `${parsed.env.APP_ROLE} needs REDIS_URL (the queue shared with the other processes); the embedded ` +
        'SQLite queue belongs to one process: use APP_ROLE=all, or set REDIS_URL',
    });
  }
  if (problems.length) throw new ConfigValidationError(problems);
  const live = parsed.env.INTEGRATION_MODE === 'live';
  // In sandbox mode every unset value falls back to the emulators' defaults.
  const env = (live ? parsed.env : { ...SANDBOX_DEFAULTS, ...stripUndefined(parsed.env) }) as Env;
  if (live) {
    for (const name of LIVE_REQUIRED_VARIABLES) {
      if (!env[name]) problems.push({ variable: name, problem: 'required when INTEGRATION_MODE=live' });
    }
    if (!env.BRAINTREE_ENVIRONMENT) {
      problems.push({
        variable: 'BRAINTREE_ENVIRONMENT',
        problem: 'required when INTEGRATION_MODE=live (sandbox or production)',
      });
    }
    if (env.BRAINTREE_ENVIRONMENT === 'emulator') {
      problems.push({
        variable: 'BRAINTREE_ENVIRONMENT',
        problem: 'emulator is only allowed in sandbox mode',
      });
    }
    for (const name of CREDENTIAL_VARIABLES) {
      if (valuesOf(name, env[name]).some((value) => PUBLIC_SANDBOX_VALUES.has(value)))
        problems.push({ variable: name, problem: 'the public sandbox value is not allowed in live mode' });
    }
  }
  if (env.CHECKOUT_TOKEN_SECRET && secrets(env.CHECKOUT_TOKEN_SECRET).some((s) => s.length < 32)) {
    problems.push({
      variable: 'CHECKOUT_TOKEN_SECRET',
      problem: 'every secret (comma-separated during rotation) must be at least 32 characters',
    });
  }
  if (env.ADMIN_TOKEN && env.ADMIN_TOKEN.length < (live ? 24 : 8)) {
    problems.push({ variable: 'ADMIN_TOKEN', problem: `must be at least ${live ? 24 : 8} characters` });
  }
  if (env.BRAINTREE_ENVIRONMENT === 'emulator' && !env.BRAINTREE_GATEWAY_URL) {
    problems.push({
      variable: 'BRAINTREE_GATEWAY_URL',
      problem: 'required when BRAINTREE_ENVIRONMENT=emulator',
    });
  }
  const merchantAccounts = env.BRAINTREE_MERCHANT_ACCOUNTS
    ? parseMerchantAccounts(env.BRAINTREE_MERCHANT_ACCOUNTS)
    : {};
  if (merchantAccounts === null) {
    problems.push({
      variable: 'BRAINTREE_MERCHANT_ACCOUNTS',
      problem: 'expected CUR:account pairs, e.g. USD:acme_usd,EUR:acme_eur',
    });
  }
  const additionalWebhookKeys = parseKeyPairs(env.BRAINTREE_WEBHOOK_ADDITIONAL_KEYS ?? '');
  if (additionalWebhookKeys === null) {
    problems.push({
      variable: 'BRAINTREE_WEBHOOK_ADDITIONAL_KEYS',
      problem: 'expected public:private key pairs, comma-separated, e.g. old_public_key:old_private_key',
    });
  }
  if (secrets(env.ZOHO_WEBHOOK_SECRET ?? '').some((secret) => !/^[A-Za-z0-9]{12,50}$/.test(secret))) {
    // Zoho: "secret token (alphanumeric, 12–50 characters)" — securing-webhooks KB (PLATFORMS.md §2);
    // every entry of a rotation list is one Zoho may sign with.
    problems.push({
      variable: 'ZOHO_WEBHOOK_SECRET',
      problem: 'Zoho secrets are alphanumeric, 12 to 50 characters',
    });
  }
  if (problems.length) throw new ConfigValidationError(problems);

  const dc = ZOHO_DATA_CENTERS[env.ZOHO_DC];
  return {
    mode: env.INTEGRATION_MODE,
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    publicApiUrl: env.PUBLIC_API_URL ?? `http://localhost:${env.PORT}`,
    checkoutPublicUrl: env.CHECKOUT_PUBLIC_URL ?? 'http://localhost:4200',
    dataDir: env.DATA_DIR,
    adminToken: env.ADMIN_TOKEN ?? '',
    alertWebhookUrl: env.ALERT_WEBHOOK_URL,
    role: env.APP_ROLE,
    redisUrl: env.REDIS_URL,
    redisDurability: env.REDIS_DURABILITY,
    attio: {
      apiUrl: env.ATTIO_API_URL ?? 'https://api.attio.com/v2',
      apiToken: env.ATTIO_API_TOKEN ?? '',
      webhookSecrets: secrets(env.ATTIO_WEBHOOK_SECRET ?? ''),
      object: env.ATTIO_OBJECT,
    },
    zoho: {
      dc: env.ZOHO_DC,
      accountsUrl: env.ZOHO_ACCOUNTS_URL ?? dc.accounts,
      apiUrl: env.ZOHO_API_URL ?? `${dc.api}${ZOHO_BILLING_PATH}`,
      clientId: env.ZOHO_CLIENT_ID ?? '',
      clientSecret: env.ZOHO_CLIENT_SECRET ?? '',
      refreshToken: env.ZOHO_REFRESH_TOKEN ?? '',
      orgId: env.ZOHO_ORG_ID ?? '',
      webhookSecrets: secrets(env.ZOHO_WEBHOOK_SECRET ?? ''),
      requestsPerMinute: env.ZOHO_REQUESTS_PER_MINUTE,
    },
    braintree: {
      environment: env.BRAINTREE_ENVIRONMENT ?? 'sandbox',
      gatewayUrl: env.BRAINTREE_GATEWAY_URL,
      merchantId: env.BRAINTREE_MERCHANT_ID ?? '',
      publicKey: env.BRAINTREE_PUBLIC_KEY ?? '',
      privateKey: env.BRAINTREE_PRIVATE_KEY ?? '',
      merchantAccounts: merchantAccounts ?? {},
      additionalWebhookKeys: additionalWebhookKeys ?? [],
    },
    zohoCurrencyCode: env.ZOHO_CURRENCY_CODE,
    payments: {
      retryScheduleMs: env.PAYMENT_RETRY_SCHEDULE,
      finalAction: env.PAYMENT_FINAL_ACTION,
      settlementPollMs: env.SETTLEMENT_POLL_INTERVAL,
      settlementLookbackMs: env.SETTLEMENT_LOOKBACK,
    },
    subscriptions: {
      planChangeAt: env.PLAN_CHANGE_AT,
      cancelAt: env.CANCEL_AT,
      billingNameAttribute: env.BILLING_NAME_ATTRIBUTE,
      billingEmailAttribute: env.BILLING_EMAIL_ATTRIBUTE,
    },
    checkout: {
      tokenSecret: secrets(env.CHECKOUT_TOKEN_SECRET ?? '')[0] ?? '',
      tokenSecrets: secrets(env.CHECKOUT_TOKEN_SECRET ?? ''),
      sessionTtlHours: env.CHECKOUT_SESSION_TTL_HOURS,
      triggerAttribute: env.CHECKOUT_TRIGGER_ATTRIBUTE,
      triggerValue: env.CHECKOUT_TRIGGER_VALUE,
      threeDSecure: env.CHECKOUT_3DS,
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
