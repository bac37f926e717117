import type { AttioClient, AttioSelf } from '@aia/attio';
import type { BraintreeClientTokenService } from '@aia/braintree';
import { UpstreamError } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
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

const unreachable = (err: unknown) =>
  err instanceof UpstreamError && err.kind === 'unavailable' && err.upstream.status === undefined;

/** `GET /v2/self`: is ATTIO_API_TOKEN active, for which workspace, with the scopes we need? */
export async function checkAttio(attio: AttioClient, config: AppConfig): Promise<CredentialCheck> {
  let self: AttioSelf;
  try {
    self = await attio.identify();
  } catch (err) {
    if (unreachable(err)) {
      return {
        ok: false,
        summary: `cannot reach ATTIO_API_URL (${config.attio.apiUrl})`,
        variables: ['ATTIO_API_URL'],
        answer: platformAnswer(err),
      };
    }
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
): Promise<ZohoCheck> {
  const oauth = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'];
  try {
    await tokens.getToken();
  } catch (err) {
    if (unreachable(err)) {
      return {
        ok: false,
        summary: `cannot reach Zoho Accounts at ${config.zoho.accountsUrl}`,
        variables: ['ZOHO_ACCOUNTS_URL', 'ZOHO_DC'],
        answer: platformAnswer(err),
      };
    }
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
    all = await plans.list({ status: 'All' });
  } catch (err) {
    const answer = platformAnswer(err);
    if (unreachable(err)) {
      return {
        ok: false,
        summary: `OAuth OK, but cannot reach Zoho Billing at ${config.zoho.apiUrl}`,
        variables: ['ZOHO_API_URL', 'ZOHO_DC'],
        answer,
      };
    }
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

/**
 * An authenticated SDK call per merchant account of BRAINTREE_MERCHANT_ACCOUNTS (`clientToken.generate` with
 * `merchantAccountId`): 401 → authenticationError (keys / merchant id / environment), 403 →
 * authorizationError (the keys' user lacks a permission), validation 92807 → that merchant account does not
 * exist (Braintree's "Merchant account does not exist" for client tokens).
 */
export async function checkBraintree(
  clientTokens: BraintreeClientTokenService,
  config: AppConfig,
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
      const outcome = await clientTokens.generate({ merchantAccountId: accountId });
      if (outcome.outcome === 'approved') continue;
      const detail =
        outcome.outcome === 'validation_failed'
          ? outcome.errors.map((e) => `${e.code} ${e.attribute}: ${e.message}`).join('; ') || outcome.message
          : outcome.outcome;
      bad.push(`${currency}:${accountId}`);
      answers.push(`${currency}:${accountId} → ${detail}`);
    } catch (err) {
      if (unreachable(err)) {
        return {
          ok: false,
          summary:
            bt.environment === 'emulator'
              ? `cannot reach the Braintree emulator at BRAINTREE_GATEWAY_URL (${bt.gatewayUrl})`
              : `cannot reach Braintree (${bt.environment})`,
          variables: bt.environment === 'emulator' ? ['BRAINTREE_GATEWAY_URL'] : ['BRAINTREE_ENVIRONMENT'],
          answer: platformAnswer(err),
        };
      }
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
