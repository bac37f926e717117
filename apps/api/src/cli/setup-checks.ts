import type { AttioClient, AttioSelf } from '@aia/attio';
import type { BraintreeClientTokenService } from '@aia/braintree';
import { TIMEOUT_CODE, timeoutError, toUpstreamError, UpstreamError } from '@aia/platform';
import type { AppConfig, Platform } from '@aia/platform';
import type { ZohoPlan, ZohoPlansService, ZohoTokenProvider } from '@aia/zoho';

/** One platform's credential verdict. `variables` names what to fix; `answer` quotes the platform. */
export interface CredentialCheck {
  ok: boolean;
  summary: string;
  variables?: string[];
  answer?: string;
  /** Things that work but deserve a look (a degraded webhook, a plain-HTTP URL…). */
  warnings?: string[];
}

/**
 * The Attio scopes this service needs (Required scopes in attio-ts-sdk `sdk.gen.ts`, which follows Attio's
 * OpenAPI): setup creates attributes, select options and the webhook; the workflows read and write records
 * and add notes.
 */
export const ATTIO_REQUIRED_SCOPES: ReadonlyArray<{ scope: string; why: string }> = [
  { scope: 'object_configuration:read-write', why: 'setup creates attributes and select options' },
  { scope: 'webhook:read-write', why: 'setup creates the webhook' },
  { scope: 'record_permission:read-write', why: 'the workflows read and write customer records' },
  { scope: 'note:read-write', why: 'the workflows add a note per payment event' },
];

/** The required scopes a token's space-separated `scope` lacks (`x:read-write` covers `x:read`). */
export function missingAttioScopes(scope: string): Array<{ scope: string; why: string }> {
  const granted = new Set(scope.split(/\s+/).filter(Boolean));
  const has = (s: string) => granted.has(s) || (s.endsWith(':read') && granted.has(`${s}-write`));
  return ATTIO_REQUIRED_SCOPES.filter((r) => !has(r.scope));
}

/** What the platform answered, without our own prefix: `HTTP 401 (code 57): You are not authorized…`. */
export function platformAnswer(err: unknown): string {
  if (!(err instanceof UpstreamError)) return err instanceof Error ? err.message : String(err);
  const text = err.message.replace(/^(attio|zoho|braintree): /, '');
  const { status, code } = err.upstream;
  const codeText = code !== undefined && !text.includes(String(code)) ? ` (code ${code})` : '';
  return status !== undefined ? `HTTP ${status}${codeText}: ${text}` : `${text}${codeText}`;
}

/** How long setup waits for a platform. */
export interface CheckLimits {
  /** Per attempt: the setup upstream policies' timeoutMs (what the verdicts quote). */
  timeoutMs: number;
  /**
   * A whole call gives up after this long even if its client does not (the Zoho token refresh has its own
   * fixed 10 s timeout; an SDK may ignore abort signals): the policy's attempts, backoff and a margin.
   */
  deadlineMs: number;
}

export const DEFAULT_CHECK_LIMITS: CheckLimits = { timeoutMs: 10_000, deadlineMs: 25_000 };

/** `10 s`, `0.3 s`. */
export const seconds = (ms: number) => `${ms / 1000} s`;

/** Got no HTTP answer at all: refused, unknown host, reset, timed out (raw network errors included). */
export const unreachable = (err: unknown) =>
  err instanceof UpstreamError
    ? err.kind === 'unavailable' && err.upstream.status === undefined
    : toUpstreamError('attio', 'check', err) instanceof UpstreamError;

/** Connected (or not) but no answer in time: the policy's per-attempt timeout, or an aborted request. */
export function timedOut(err: unknown): boolean {
  if (err instanceof UpstreamError) return err.upstream.code === TIMEOUT_CODE;
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * The verdict for a platform that did not answer (`undefined` when it did): "did not answer within N s"
 * for a host that accepts connections but stays silent (or drops packets), "cannot reach" for a refused
 * connection or unknown host; both name the URL and the variable that holds it.
 */
export function notReachedVerdict(
  platform: string,
  err: unknown,
  where: { url: string; variables: string[] },
  limits: CheckLimits,
): CredentialCheck | undefined {
  if (!unreachable(err)) return undefined;
  const variable = where.variables[0];
  return {
    ok: false,
    summary: timedOut(err)
      ? `${platform} did not answer within ${seconds(limits.timeoutMs)} at ${where.url} (${variable})`
      : `cannot reach ${platform} at ${where.url} (${variable})`,
    variables: where.variables,
    answer: platformAnswer(err),
  };
}

/** `call`, or a timeout error once `limits.deadlineMs` passed (the call itself is left to finish or fail). */
export function withDeadline<T>(
  platform: Platform,
  operation: string,
  limits: CheckLimits,
  call: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(platform, operation, limits.timeoutMs)), limits.deadlineMs);
    timer.unref();
  });
  return Promise.race([call(), deadline]).finally(() => clearTimeout(timer));
}

/** `GET /v2/self`: is ATTIO_API_TOKEN active, for which workspace, with the scopes we need? */
export async function checkAttio(
  attio: AttioClient,
  config: AppConfig,
  limits: CheckLimits = DEFAULT_CHECK_LIMITS,
): Promise<CredentialCheck> {
  let self: AttioSelf;
  try {
    self = await withDeadline('attio', 'self.identify', limits, () => attio.identify());
  } catch (err) {
    const silent = notReachedVerdict(
      'Attio',
      err,
      { url: config.attio.apiUrl, variables: ['ATTIO_API_URL'] },
      limits,
    );
    if (silent) return silent;
    const auth = err instanceof UpstreamError && err.kind === 'auth';
    const notFound = err instanceof UpstreamError && err.kind === 'not_found';
    return {
      ok: false,
      summary: auth
        ? 'Attio refused ATTIO_API_TOKEN'
        : notFound
          ? `no Attio API at ATTIO_API_URL (${config.attio.apiUrl}; it must end in /v2)`
          : 'the token check failed',
      variables: auth
        ? ['ATTIO_API_TOKEN']
        : notFound
          ? ['ATTIO_API_URL']
          : ['ATTIO_API_TOKEN', 'ATTIO_API_URL'],
      answer: platformAnswer(err),
    };
  }
  if (!self.active) {
    return {
      ok: false,
      summary: 'Attio says ATTIO_API_TOKEN is not active (revoked or expired)',
      variables: ['ATTIO_API_TOKEN'],
      answer: '{"active": false}',
    };
  }
  const missing = missingAttioScopes(self.scope);
  const where = `workspace "${self.workspace_name}" (${self.workspace_slug})`;
  if (missing.length) {
    return {
      ok: false,
      summary:
        `the token of ${where} lacks ${missing.map((m) => `${m.scope} (${m.why})`).join(', ')}; ` +
        'grant them in Attio under Workspace settings > Developers > the integration',
      variables: ['ATTIO_API_TOKEN'],
      answer: `scope: ${self.scope}`,
    };
  }
  return { ok: true, summary: `token active for ${where}; scopes OK` };
}

export interface ZohoCheck extends CredentialCheck {
  /** Every plan of the organization (any status), when the organization answered. */
  plans?: ZohoPlan[];
}

/**
 * Two steps, so bad OAuth credentials and a wrong organization are told apart: the refresh-token grant at
 * Zoho Accounts, then an organization-scoped call (`GET /plans`, which the plan-code check needs anyway).
 */
export async function checkZoho(
  tokens: ZohoTokenProvider,
  plans: ZohoPlansService,
  config: AppConfig,
  limits: CheckLimits = DEFAULT_CHECK_LIMITS,
): Promise<ZohoCheck> {
  const oauth = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'];
  try {
    // The token refresh is one request outside the policy, with its own 10 s timeout: the deadline bounds it.
    await withDeadline('zoho', 'oauth.refresh', limits, () => tokens.getToken());
  } catch (raw) {
    // Outside the policy, a refused connection comes back unclassified.
    const err = toUpstreamError('zoho', 'oauth.refresh', raw);
    const silent = notReachedVerdict(
      'Zoho Accounts',
      timedOut(raw) && !timedOut(err) ? timeoutError('zoho', 'oauth.refresh', limits.timeoutMs) : err,
      { url: config.zoho.accountsUrl, variables: ['ZOHO_ACCOUNTS_URL', 'ZOHO_DC'] },
      limits,
    );
    if (silent) return silent;
    const code = err instanceof UpstreamError ? err.upstream.code : undefined;
    // Zoho Accounts: invalid_client = unknown client id/secret (or a client of another data center);
    // invalid_code = the refresh token is unknown, revoked, or belongs to another client (PLATFORMS.md §4.5).
    return {
      ok: false,
      summary:
        code === 'invalid_client'
          ? `Zoho Accounts (${config.zoho.accountsUrl}) does not know this client: check ZOHO_CLIENT_ID and ` +
            `ZOHO_CLIENT_SECRET, and ZOHO_DC (${config.zoho.dc}) if the client was registered in another data center`
          : code === 'invalid_code'
            ? 'Zoho Accounts refused ZOHO_REFRESH_TOKEN (unknown, revoked, or issued to another client or data center)'
            : 'the Zoho OAuth refresh failed',
      variables:
        code === 'invalid_client'
          ? ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_DC']
          : code === 'invalid_code'
            ? ['ZOHO_REFRESH_TOKEN']
            : [...oauth, 'ZOHO_DC'],
      answer: platformAnswer(err),
    };
  }
  let all: ZohoPlan[];
  try {
    all = await withDeadline('zoho', 'plans.list', limits, () => plans.list({ status: 'All' }));
  } catch (err) {
    const answer = platformAnswer(err);
    const silent = notReachedVerdict(
      'Zoho Billing',
      err,
      { url: config.zoho.apiUrl, variables: ['ZOHO_API_URL', 'ZOHO_DC'] },
      limits,
    );
    if (silent) return { ...silent, summary: `OAuth OK, but ${silent.summary}` };
    const kind = err instanceof UpstreamError ? err.kind : undefined;
    // Zoho publishes no code for "not your organization"; its message names the organization (the emulator's
    // 6041 follows that, UNCONFIRMED).
    if (/organi[sz]ation/i.test(answer)) {
      return {
        ok: false,
        summary: `OAuth OK, but Zoho Billing refused organization ${config.zoho.orgId}`,
        variables: ['ZOHO_ORG_ID'],
        answer,
      };
    }
    if (kind === 'auth') {
      return {
        ok: false,
        summary:
          'OAuth OK, but Zoho Billing refused the token: was the refresh token granted the ' +
          'ZohoSubscriptions.fullaccess.all scope (or the per-module ones), for this organization?',
        variables: ['ZOHO_REFRESH_TOKEN', 'ZOHO_ORG_ID'],
        answer,
      };
    }
    return {
      ok: false,
      summary: `OAuth OK, but listing the plans of organization ${config.zoho.orgId} failed`,
      variables: kind === 'not_found' ? ['ZOHO_API_URL', 'ZOHO_DC'] : ['ZOHO_ORG_ID', 'ZOHO_API_URL'],
      answer,
    };
  }
  const active = all.filter((p) => p.status === 'active').length;
  return {
    ok: true,
    summary: `OAuth refresh OK; organization ${config.zoho.orgId} answers (${all.length} plans, ${active} active)`,
    plans: all,
  };
}

/** The SDK's gateway hosts (braintree/lib/braintree/environment.js, Environment.Sandbox / Production). */
const BRAINTREE_GATEWAYS = {
  sandbox: 'https://api.sandbox.braintreegateway.com',
  production: 'https://api.braintreegateway.com',
} as const;

/**
 * An authenticated SDK call per merchant account of BRAINTREE_MERCHANT_ACCOUNTS (`clientToken.generate` with
 * `merchantAccountId`): 401 → authenticationError (keys / merchant id / environment), 403 →
 * authorizationError (the keys' user lacks a permission), validation 92807 → that merchant account does not
 * exist (Braintree's "Merchant account does not exist" for client tokens).
 */
export async function checkBraintree(
  clientTokens: BraintreeClientTokenService,
  config: AppConfig,
  limits: CheckLimits = DEFAULT_CHECK_LIMITS,
): Promise<CredentialCheck> {
  const bt = config.braintree;
  const where = `merchant ${bt.merchantId}, environment ${bt.environment}`;
  const accounts = Object.entries(bt.merchantAccounts);
  const targets: Array<[string | undefined, string | undefined]> = accounts.length
    ? accounts
    : [[undefined, undefined]];
  const bad: string[] = [];
  const answers: string[] = [];
  for (const [currency, accountId] of targets) {
    try {
      const outcome = await withDeadline('braintree', 'clientToken.generate', limits, () =>
        clientTokens.generate({ merchantAccountId: accountId }),
      );
      if (outcome.outcome === 'approved') continue;
      const detail =
        outcome.outcome === 'validation_failed'
          ? outcome.errors.map((e) => `${e.code} ${e.attribute}: ${e.message}`).join('; ') || outcome.message
          : outcome.outcome;
      bad.push(`${currency}:${accountId}`);
      answers.push(`${currency}:${accountId} → ${detail}`);
    } catch (err) {
      // The first silent answer ends the check: the next merchant account would wait just as long.
      const silent = notReachedVerdict(
        bt.environment === 'emulator' ? 'the Braintree emulator' : `Braintree (${bt.environment})`,
        err,
        bt.environment === 'emulator'
          ? { url: bt.gatewayUrl ?? '?', variables: ['BRAINTREE_GATEWAY_URL'] }
          : { url: BRAINTREE_GATEWAYS[bt.environment], variables: ['BRAINTREE_ENVIRONMENT'] },
        limits,
      );
      if (silent) return silent;
      const status = err instanceof UpstreamError ? err.upstream.status : undefined;
      if (status === 403) {
        return {
          ok: false,
          summary: `the API keys were accepted but not authorized (${where}): give the keys' user a role with API access`,
          variables: ['BRAINTREE_PUBLIC_KEY', 'BRAINTREE_PRIVATE_KEY'],
          answer: platformAnswer(err),
        };
      }
      return {
        ok: false,
        summary:
          status === 401
            ? `Braintree refused the API keys (${where}); keys, merchant id and environment must belong together`
            : `the Braintree call failed (${where})`,
        variables: [
          'BRAINTREE_MERCHANT_ID',
          'BRAINTREE_PUBLIC_KEY',
          'BRAINTREE_PRIVATE_KEY',
          'BRAINTREE_ENVIRONMENT',
        ],
        answer: platformAnswer(err),
      };
    }
  }
  if (bad.length) {
    return {
      ok: false,
      summary: `API keys OK (${where}), but merchant account ${bad.join(', ')} was refused`,
      variables: ['BRAINTREE_MERCHANT_ACCOUNTS'],
      answer: answers.join('; '),
    };
  }
  return {
    ok: true,
    summary: `API keys OK (${where})${
      accounts.length ? `; merchant accounts ${accounts.map(([c, id]) => `${c}:${id}`).join(', ')} exist` : ''
    }`,
  };
}
