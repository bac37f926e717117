import { IntegrationMode, UpstreamError } from '@aia/platform';
import type { ZohoHttpTransport } from './zoho-http.transport';

export interface ZohoTokenProviderOptions {
  mode: IntegrationMode;
  accountsUrl: string;
  /** The configured Billing base URL (`AppConfig.zoho.apiUrl`), e.g. https://www.zohoapis.eu/billing/v1. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Refresh this long before the token's stated expiry (default 60 s). */
  refreshMarginMs?: number;
  /** Per refresh request (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
}

export interface ZohoAccessToken {
  accessToken: string;
  expiresAtMs: number;
  /** Where Billing calls go for this token (see `resolveApiBaseUrl`). */
  apiBaseUrl: string;
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  api_domain?: string;
  error?: string;
}

/**
 * Which base URL Billing calls use. Zoho says to call the `api_domain` returned with the token (the org's data
 * center; PLATFORMS.md §2, pitfall 5). Rule:
 * - live: `api_domain` + the path of the configured URL (`/billing/v1`), so a data-center mismatch in config
 *   cannot send calls to the wrong region;
 * - sandbox: the configured ZOHO_API_URL wins — the emulator may be reached through a host name other than
 *   the one it reports (containers, port mapping), and the configured URL is what the operator chose.
 * Without an `api_domain` the configured URL is used in both modes.
 */
export function resolveApiBaseUrl(
  mode: IntegrationMode,
  configuredApiUrl: string,
  apiDomain?: string,
): string {
  if (mode !== 'live' || !apiDomain) return configuredApiUrl;
  const path = new URL(configuredApiUrl).pathname.replace(/\/+$/, '');
  return `${apiDomain.replace(/\/+$/, '')}${path}`;
}

/**
 * Zoho OAuth access tokens from the refresh-token grant (`POST {accounts}/oauth/v2/token`,
 * https://www.zoho.com/assist/api/refresh-access-token.html). One token is cached in memory and shared:
 * Zoho limits live access tokens per refresh token and refreshes per minute (PLATFORMS.md §2, pitfall 7).
 * Refreshes are single-flight: however many calls find the token stale or rejected, one request is made.
 */
export class ZohoTokenProvider {
  private current?: ZohoAccessToken;
  private inflight?: Promise<ZohoAccessToken>;
  private refreshes = 0;
  private readonly now: () => number;
  private readonly marginMs: number;

  constructor(
    private readonly options: ZohoTokenProviderOptions,
    private readonly transport: ZohoHttpTransport,
  ) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.refreshMarginMs ?? 60_000;
  }

  /** How many refresh requests were sent (for tests and diagnostics). */
  get refreshCount(): number {
    return this.refreshes;
  }

  /** A token valid for at least the margin; refreshes (once, shared) when there is none or it is stale. */
  async getToken(): Promise<ZohoAccessToken> {
    const token = this.current;
    if (token && this.now() < token.expiresAtMs - this.marginMs) return token;
    return this.refresh();
  }

  /**
   * Called after a 401 with the token that was refused. If another call already replaced it, the new one
   * is returned without asking Zoho again; otherwise one shared refresh is made.
   */
  async refreshAfterUnauthorized(rejectedAccessToken: string): Promise<ZohoAccessToken> {
    if (this.current && this.current.accessToken !== rejectedAccessToken) return this.current;
    if (this.current?.accessToken === rejectedAccessToken) this.current = undefined;
    return this.refresh();
  }

  private refresh(): Promise<ZohoAccessToken> {
    if (!this.inflight) {
      this.inflight = this.requestToken().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async requestToken(): Promise<ZohoAccessToken> {
    this.refreshes += 1;
    const o = this.options;
    const res = await this.transport({
      baseUrl: o.accountsUrl,
      method: 'POST',
      path: '/oauth/v2/token',
      form: {
        grant_type: 'refresh_token',
        client_id: o.clientId,
        client_secret: o.clientSecret,
        refresh_token: o.refreshToken,
      },
      // Not the caller's signal: the refresh is shared, one caller's timeout must not abort it for all.
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    const body = (res.json ?? {}) as TokenAnswer;
    if (res.status >= 500 || res.status === 429) {
      throw new UpstreamError(
        'zoho',
        res.status === 429 ? 'rate_limited' : 'unavailable',
        `token refresh failed: HTTP ${res.status}`,
        {
          status: res.status,
        },
        'oauth.refresh',
      );
    }
    // Zoho Accounts answers failures with HTTP 200 and {"error": "invalid_code" | "invalid_client" | …}.
    if (res.status >= 400 || body.error || typeof body.access_token !== 'string') {
      const reason = body.error ?? `HTTP ${res.status}`;
      const kind = /too many|access denied/i.test(reason) ? 'rate_limited' : 'auth';
      throw new UpstreamError(
        'zoho',
        kind,
        `token refresh refused: ${reason}`,
        { status: res.status, code: body.error },
        'oauth.refresh',
      );
    }
    const token: ZohoAccessToken = {
      accessToken: body.access_token,
      // Zoho states `expires_in` in seconds (3600); computing it in the wrong unit is a known bug (pitfall 6).
      expiresAtMs: this.now() + (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000,
      apiBaseUrl: resolveApiBaseUrl(o.mode, o.apiUrl, body.api_domain),
    };
    this.current = token;
    return token;
  }
}
