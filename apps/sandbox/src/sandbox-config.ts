import { loadAppConfig, SANDBOX_DEFAULTS, SANDBOX_PORTS } from '@aia/platform';
import type { SandboxCredentials, SandboxHostOptions } from './sandbox-host';

/**
 * The sandbox process reads the same environment as the API (`.env` merged with the process environment
 * by `npm start`, or the container's environment) and wires the emulators with what the API is configured
 * with: the ports of ATTIO_API_URL / ZOHO_API_URL (+ ZOHO_ACCOUNTS_URL) / BRAINTREE_GATEWAY_URL, the
 * webhook target PUBLIC_API_URL (SANDBOX_API_URL overrides it, e.g. `http://api:3000` in Docker), the
 * webhook secrets (ATTIO_WEBHOOK_SECRET, ZOHO_WEBHOOK_SECRET; the first of a rotation list, the one the
 * platform signs with) and the credentials the emulators check. Anything unset is the sandbox default the
 * API also falls back to, so both sides always agree. Parsing is the API's own (`loadAppConfig`).
 */

/** Variables the sandbox reads besides SANDBOX_HOST / SANDBOX_API_URL; everything else is ignored. */
export const SANDBOX_INPUT_VARIABLES = [
  'PORT',
  'PUBLIC_API_URL',
  'DATA_DIR',
  'ATTIO_API_URL',
  'ATTIO_API_TOKEN',
  'ATTIO_WEBHOOK_SECRET',
  'ZOHO_DC',
  'ZOHO_ACCOUNTS_URL',
  'ZOHO_API_URL',
  'ZOHO_CLIENT_ID',
  'ZOHO_CLIENT_SECRET',
  'ZOHO_REFRESH_TOKEN',
  'ZOHO_ORG_ID',
  'ZOHO_WEBHOOK_SECRET',
  'BRAINTREE_ENVIRONMENT',
  'BRAINTREE_GATEWAY_URL',
  'BRAINTREE_MERCHANT_ID',
  'BRAINTREE_PUBLIC_KEY',
  'BRAINTREE_PRIVATE_KEY',
  'BRAINTREE_MERCHANT_ACCOUNTS',
] as const;

/** One line of the start-up report: a setting, and whether it came from the configuration. */
export interface SandboxSetting {
  what: string;
  /** `configured`: from `.env` or the environment; `default`: the sandbox default. */
  source: 'configured' | 'default';
  /** Variable(s) it came from, or would come from. */
  variables: string;
  /** Shown only for values that are not secrets (ports, URLs, directories, public defaults). */
  shown?: string;
}

export interface ResolvedSandboxConfig {
  options: Required<Pick<SandboxHostOptions, 'host' | 'ports' | 'apiUrl' | 'dataDir' | 'credentials'>>;
  settings: SandboxSetting[];
  /** Things worth telling the user (the API will not talk to an emulator, a path that looks wrong). */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

const isSet = (env: Env, name: string) => env[name] !== undefined && env[name] !== '';

/**
 * The port an emulator must listen on for `url` to reach it: the URL's own port when the URL points at this
 * sandbox (plain http with an explicit port, on loopback, on SANDBOX_HOST, or anywhere when SANDBOX_HOST is
 * a wildcard as in Docker, where the API reaches `http://sandbox:4010`); null otherwise.
 */
export function emulatorPortOf(url: string, sandboxHost: string): number | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' || u.port === '') return null;
  const host = u.hostname;
  if (LOOPBACK.has(host) || host === sandboxHost || WILDCARD.has(sandboxHost)) return Number(u.port);
  return null;
}

/**
 * Resolves the emulators' settings from the environment. Throws the API's own ConfigValidationError when a
 * value the sandbox reads is invalid (the API would refuse it too), or an Error when the configuration
 * cannot be served by the emulators (Zoho Accounts and Billing on two ports).
 */
export function resolveSandboxConfig(env: Env = process.env): ResolvedSandboxConfig {
  const warnings: string[] = [];
  const host = env['SANDBOX_HOST'] || '127.0.0.1';
  const live = env['INTEGRATION_MODE'] === 'live';
  // Live mode: the API talks to the real platforms; the emulators keep their defaults (nothing to match).
  const input: Env = { INTEGRATION_MODE: 'sandbox' };
  if (live) {
    warnings.push(
      'INTEGRATION_MODE=live: the API talks to the real platforms, so the emulators ignore the configuration and use the sandbox defaults',
    );
  } else {
    for (const name of SANDBOX_INPUT_VARIABLES) if (isSet(env, name)) input[name] = env[name];
  }
  const configured = (name: string) => isSet(input, name);
  const config = loadAppConfig(input);

  const settings: SandboxSetting[] = [];
  const setting = (what: string, variables: string[], shown?: string) => {
    settings.push({
      what,
      source: variables.some(configured) ? 'configured' : 'default',
      variables: variables.join(', '),
      shown,
    });
  };
  /** A credential: configured values are never shown; the public default is. */
  const credential = (what: string, variable: keyof typeof SANDBOX_DEFAULTS) =>
    setting(what, [variable], configured(variable) ? undefined : SANDBOX_DEFAULTS[variable]);
  const portFrom = (
    name: string,
    url: string,
    variables: string[],
    fallback: number,
    expectedPath: string,
  ): number => {
    const port = emulatorPortOf(url, host);
    if (port === null) {
      warnings.push(
        `${variables[0]} (${url}) does not point at this sandbox: the API will not use the ${name} emulator (listening on its default port ${fallback})`,
      );
      settings.push({
        what: `${name} port`,
        source: 'default',
        variables: variables.join(', '),
        shown: String(fallback),
      });
      return fallback;
    }
    if (new URL(url).pathname.replace(/\/$/, '') !== expectedPath)
      warnings.push(
        `${variables[0]} (${url}): the ${name} API of the emulator is at path ${expectedPath || '/'}`,
      );
    settings.push({
      what: `${name} port`,
      source: variables.some(configured) ? 'configured' : 'default',
      variables: variables.join(', '),
      shown: String(port),
    });
    return port;
  };

  const attioPort = portFrom('Attio', config.attio.apiUrl, ['ATTIO_API_URL'], SANDBOX_PORTS.attio, '/v2');
  const zohoPort = portFrom(
    'Zoho',
    config.zoho.apiUrl,
    ['ZOHO_API_URL', 'ZOHO_ACCOUNTS_URL'],
    SANDBOX_PORTS.zoho,
    '/billing/v1',
  );
  const accountsPort = emulatorPortOf(config.zoho.accountsUrl, host);
  if (accountsPort !== null && accountsPort !== zohoPort) {
    throw new Error(
      `ZOHO_ACCOUNTS_URL (port ${accountsPort}) and ZOHO_API_URL (port ${zohoPort}) must use the same port: one Zoho emulator serves both`,
    );
  }
  const braintreeUrl = config.braintree.gatewayUrl ?? SANDBOX_DEFAULTS.BRAINTREE_GATEWAY_URL;
  const braintreePort = portFrom(
    'Braintree',
    braintreeUrl,
    ['BRAINTREE_GATEWAY_URL'],
    SANDBOX_PORTS.braintree,
    '',
  );
  if (config.braintree.environment !== 'emulator') {
    warnings.push(
      `BRAINTREE_ENVIRONMENT=${config.braintree.environment}: the API uses Braintree's own gateway, not this emulator`,
    );
  }

  const apiUrl = (env['SANDBOX_API_URL'] || config.publicApiUrl).replace(/\/$/, '');
  settings.push({
    what: 'webhook target (the API)',
    source:
      isSet(env, 'SANDBOX_API_URL') || configured('PUBLIC_API_URL') || configured('PORT')
        ? 'configured'
        : 'default',
    variables: isSet(env, 'SANDBOX_API_URL') ? 'SANDBOX_API_URL' : 'PUBLIC_API_URL, PORT',
    shown: apiUrl,
  });
  setting('state directory', ['DATA_DIR'], config.dataDir);

  credential('Attio API token', 'ATTIO_API_TOKEN');
  credential('Attio webhook secret', 'ATTIO_WEBHOOK_SECRET');
  credential('Zoho client id', 'ZOHO_CLIENT_ID');
  credential('Zoho client secret', 'ZOHO_CLIENT_SECRET');
  credential('Zoho refresh token', 'ZOHO_REFRESH_TOKEN');
  credential('Zoho organization id', 'ZOHO_ORG_ID');
  credential('Zoho webhook secret', 'ZOHO_WEBHOOK_SECRET');
  credential('Braintree merchant id', 'BRAINTREE_MERCHANT_ID');
  credential('Braintree public key', 'BRAINTREE_PUBLIC_KEY');
  credential('Braintree private key', 'BRAINTREE_PRIVATE_KEY');
  setting('Braintree merchant accounts', ['BRAINTREE_MERCHANT_ACCOUNTS']);

  const credentials: SandboxCredentials = {
    attioApiToken: config.attio.apiToken,
    // The first of a rotation list is the secret the platform signs with now.
    attioWebhookSecret: config.attio.webhookSecrets[0] ?? SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET,
    zoho: {
      clientId: config.zoho.clientId,
      clientSecret: config.zoho.clientSecret,
      refreshToken: config.zoho.refreshToken,
      organizationId: config.zoho.orgId,
      webhookSecret: config.zoho.webhookSecrets[0] ?? SANDBOX_DEFAULTS.ZOHO_WEBHOOK_SECRET,
    },
    braintree: {
      merchantId: config.braintree.merchantId,
      publicKey: config.braintree.publicKey,
      privateKey: config.braintree.privateKey,
      // The API maps currency → account; the emulator account → currency (first = default account).
      merchantAccounts: Object.fromEntries(
        Object.entries(config.braintree.merchantAccounts).map(([currency, account]) => [account, currency]),
      ),
    },
  };

  return {
    options: {
      host,
      ports: { attio: attioPort, zoho: zohoPort, braintree: braintreePort },
      apiUrl,
      dataDir: config.dataDir,
      credentials,
    },
    settings,
    warnings,
  };
}

/** The start-up report: one line per setting, "from .env / environment" or "default"; never a secret value. */
export function describeSandboxConfig(resolved: ResolvedSandboxConfig): string[] {
  const width = Math.max(...resolved.settings.map((s) => s.what.length));
  const lines = resolved.settings.map((s) => {
    const origin =
      s.source === 'configured'
        ? `from .env / environment (${s.variables})`
        : `default (${s.variables} unset)`;
    return `  ${s.what.padEnd(width)}  ${s.shown !== undefined ? `${s.shown}  ` : ''}${origin}`;
  });
  return [
    'Configuration (the same variables the API reads):',
    ...lines,
    ...resolved.warnings.map((w) => `  note: ${w}`),
  ];
}
