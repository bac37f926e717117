import type { FastifyInstance, FastifyRequest } from 'fastify';

export const SANDBOX_ZOHO_CREDENTIALS = {
  clientId: 'sandbox-zoho-client',
  clientSecret: 'sandbox-zoho-secret',
  refreshToken: 'sandbox-zoho-refresh',
  organizationId: '10000001',
} as const;

/** Credentials an emulator accepts (default SANDBOX_ZOHO_CREDENTIALS; apps/sandbox passes the configured ones). */
export interface ZohoEmulatorCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  organizationId: string;
}

export interface AccountsRouteDeps {
  issueAccessToken: () => { token: string; ttlSeconds: number };
  credentials?: ZohoEmulatorCredentials;
}

/** Reads OAuth parameters from the query string, a form body or a JSON body (Zoho accepts the first two). */
function oauthParams(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [req.query, req.body]) {
    if (source && typeof source === 'object') {
      for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
        if (typeof v === 'string') out[k] = v;
      }
    }
  }
  return out;
}

/**
 * Zoho Accounts: `POST /oauth/v2/token` with `grant_type=refresh_token`
 * (https://www.zoho.com/assist/api/refresh-access-token.html). Success:
 * `{access_token, api_domain, token_type:"Bearer", expires_in:3600}`. Failures are answered with HTTP 200 and
 * `{"error":"invalid_code"}` for a bad refresh token (HTTP 200 seen in https://github.com/Weble/ZohoBooksApi/issues/84,
 * "IdentityProviderException(code: 200): invalid_code") and `{"error":"invalid_client"}` for a bad client
 * (the status for that one is UNCONFIRMED; the same 200 is assumed).
 */
export function registerAccountsRoutes(app: FastifyInstance, deps: AccountsRouteDeps): void {
  app.post('/oauth/v2/token', async (req) => {
    const p = oauthParams(req);
    const credentials = deps.credentials ?? SANDBOX_ZOHO_CREDENTIALS;
    if (p['grant_type'] !== 'refresh_token') {
      // Only the refresh-token grant is emulated (no browser consent step in a sandbox).
      return { error: 'unsupported_grant_type' };
    }
    if (p['client_id'] !== credentials.clientId) return { error: 'invalid_client' };
    if (p['client_secret'] !== credentials.clientSecret) return { error: 'invalid_client' };
    if (p['refresh_token'] !== credentials.refreshToken) return { error: 'invalid_code' };
    const { token, ttlSeconds } = deps.issueAccessToken();
    const host = req.headers.host ?? '127.0.0.1';
    return {
      access_token: token,
      scope: 'ZohoSubscriptions.fullaccess.all',
      // The API host for this account's data center; here the emulator itself (Billing is on the same port).
      api_domain: `${req.protocol}://${host}`,
      token_type: 'Bearer',
      expires_in: ttlSeconds,
    };
  });
}
