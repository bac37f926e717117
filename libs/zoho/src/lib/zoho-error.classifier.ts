import { UpstreamError, UpstreamErrorKind, isTemporaryKind, parseRetryAfterMs } from '@aia/platform';

export interface ZohoErrorClassification {
  kind: UpstreamErrorKind;
  temporary: boolean;
  /** Zoho's own `code` from the envelope, when there is one. */
  code?: number;
  message: string;
}

/**
 * Zoho codes whose meaning does not depend on the HTTP status. Zoho Billing publishes no code table; these
 * follow the Zoho Books/Invoice error pages and community reports (UNCONFIRMED, see docs/sandbox/zoho.md):
 * 44/45 too many requests (per minute / per day), 57 not authorized, 1002 "does not exist", 3062 "already exists".
 */
const CODE_KINDS: Record<number, UpstreamErrorKind> = {
  44: 'rate_limited',
  45: 'rate_limited',
  57: 'auth',
  1002: 'not_found',
  3062: 'conflict',
};

function envelope(body: unknown): { code?: number; message?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as { code?: unknown; message?: unknown };
  return {
    code:
      typeof b.code === 'number'
        ? b.code
        : typeof b.code === 'string' && /^\d+$/.test(b.code)
          ? Number(b.code)
          : undefined,
    message: typeof b.message === 'string' ? b.message : undefined,
  };
}

/**
 * Classifies a Zoho Billing answer that is not a success (non-2xx, or 2xx whose envelope `code` is not 0).
 * Zoho's statuses: https://www.zoho.com/billing/api/v1/errors/ (400, 401, 403, 404, 405, 406, 429, 500).
 * Temporary: 429, 408, 5xx (and rate-limit codes). Everything else is permanent: resending cannot help.
 */
export function classifyZohoError(status: number, body: unknown): ZohoErrorClassification {
  const { code, message } = envelope(body);
  let kind: UpstreamErrorKind;
  if (status === 429) kind = 'rate_limited';
  else if (status >= 500 || status === 408) kind = 'unavailable';
  else if (code !== undefined && CODE_KINDS[code]) kind = CODE_KINDS[code];
  else if (status === 401 || status === 403) kind = 'auth';
  else if (status === 404) kind = 'not_found';
  else if (status === 409) kind = 'conflict';
  else if (status >= 400) kind = 'validation';
  // A 2xx whose envelope says failure, or one without an envelope at all.
  else kind = 'rejected';
  return {
    kind,
    temporary: isTemporaryKind(kind),
    code,
    message: message ?? (status >= 400 ? `HTTP ${status}` : 'unexpected answer without a Zoho envelope'),
  };
}

/** The typed error the services throw, carrying Zoho's code, message, status and Retry-After. */
export function zohoUpstreamError(
  status: number,
  body: unknown,
  headers: Headers,
  operation: string,
  nowMs = Date.now(),
): UpstreamError {
  const c = classifyZohoError(status, body);
  const retryAfterMs =
    c.kind === 'rate_limited' || status === 503
      ? parseRetryAfterMs(headers.get('retry-after'), nowMs)
      : undefined;
  return new UpstreamError('zoho', c.kind, c.message, { status, code: c.code, retryAfterMs }, operation);
}
