import { HttpRequest, RepeatStrategy, UpstreamPolicy } from '@aia/platform';
import { zohoUpstreamError } from './zoho-error.classifier';
import type { ZohoHttpTransport } from './zoho-http.transport';
import type { ZohoTokenProvider } from './zoho-token.provider';
import type { ZohoPageContext } from './zoho.types';

export const ZOHO_ORG_HEADER = 'X-com-zoho-subscriptions-organizationid';

export interface ZohoCall {
  method: HttpRequest['method'];
  /** Path below the Billing base URL, e.g. `/customers/123`. */
  path: string;
  query?: HttpRequest['query'];
  json?: unknown;
}

export type ZohoEnvelope = { code: number; message?: string } & Record<string, unknown>;

/** Upper bound on pages fetched by `listAll` (200 per page): a guard against runaway loops, not a feature. */
const MAX_PAGES = 25;

/**
 * Sends Billing requests through the Zoho policy: OAuth header from the token provider, the organization
 * header on every call, one transparent token refresh on a 401, and Zoho's envelope (`code != 0` or a
 * non-2xx status) turned into a classified UpstreamError.
 */
export class ZohoBillingClient {
  constructor(
    private readonly policy: UpstreamPolicy,
    private readonly tokens: ZohoTokenProvider,
    private readonly transport: ZohoHttpTransport,
    private readonly organizationId: string,
  ) {}

  read(operation: string, call: ZohoCall): Promise<ZohoEnvelope> {
    return this.policy.read(operation, (signal) => this.attempt(operation, call, signal));
  }

  write<T>(
    operation: string,
    call: ZohoCall,
    pick: (body: ZohoEnvelope) => T,
    repeat: RepeatStrategy<T>,
  ): Promise<T> {
    return this.policy.write(
      operation,
      async (signal) => pick(await this.attempt(operation, call, signal)),
      repeat,
    );
  }

  /** Follows `page_context.has_more_page` and concatenates the `key` arrays. */
  async listAll<T>(operation: string, call: ZohoCall, key: string): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.read(operation, { ...call, query: { ...call.query, page, per_page: 200 } });
      out.push(...((body[key] as T[] | undefined) ?? []));
      if (!(body['page_context'] as ZohoPageContext | undefined)?.has_more_page) break;
    }
    return out;
  }

  private async attempt(operation: string, call: ZohoCall, signal: AbortSignal): Promise<ZohoEnvelope> {
    let token = await this.tokens.getToken();
    let res = await this.send(call, token.apiBaseUrl, token.accessToken, signal);
    if (res.status === 401) {
      // Expired or revoked before our clock said so: refresh once (shared) and repeat this attempt.
      token = await this.tokens.refreshAfterUnauthorized(token.accessToken);
      res = await this.send(call, token.apiBaseUrl, token.accessToken, signal);
    }
    const body = res.json as ZohoEnvelope | undefined;
    if (res.status >= 200 && res.status < 300 && body && body.code === 0) return body;
    throw zohoUpstreamError(res.status, body, res.headers, operation);
  }

  private send(call: ZohoCall, baseUrl: string, accessToken: string, signal: AbortSignal) {
    return this.transport({
      baseUrl,
      method: call.method,
      path: call.path,
      query: call.query,
      json: call.json,
      headers: { Authorization: `Zoho-oauthtoken ${accessToken}`, [ZOHO_ORG_HEADER]: this.organizationId },
      signal,
    });
  }
}
