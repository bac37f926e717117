import { kindFromHttpStatus, parseRetryAfterMs, UpstreamError, UpstreamErrorKind } from '@aia/platform';
import type { AttioErrorBody } from './attio.types';

/**
 * Attio codes whose meaning is sharper than the status: a duplicate unique value (UNCONFIRMED code, see
 * docs/sandbox/attio.md) and a duplicate slug (OpenAPI 409 `slug_conflict`) are conflicts the caller can
 * resolve by looking the existing thing up.
 */
const CODE_KINDS: Record<string, UpstreamErrorKind> = {
  uniqueness_conflict: 'conflict',
  slug_conflict: 'conflict',
};

function errorBody(body: unknown): Partial<AttioErrorBody> {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  return {
    code: typeof b['code'] === 'string' ? b['code'] : undefined,
    type: typeof b['type'] === 'string' ? b['type'] : undefined,
    message: typeof b['message'] === 'string' ? b['message'] : undefined,
  };
}

/**
 * The UpstreamError for a non-2xx Attio answer. Pure: status, parsed body and headers in; no I/O.
 * - 404 → not_found; 400/422 → validation; 401/403 → auth; 409 (and uniqueness codes) → conflict;
 * - 429 → rate_limited with `retryAfterMs` from `Retry-After`, which Attio sends as an HTTP date
 *   (https://docs.attio.com/rest-api/guides/rate-limiting); seconds are accepted too;
 * - 408/5xx → unavailable.
 */
export function classifyAttioError(
  status: number,
  body: unknown,
  headers: Pick<Headers, 'get'>,
  options: { operation?: string; nowMs?: number } = {},
): UpstreamError {
  const { code, type, message } = errorBody(body);
  const kind: UpstreamErrorKind =
    status === 429 || status >= 500 || status === 408
      ? kindFromHttpStatus(status)
      : ((code ? CODE_KINDS[code] : undefined) ?? kindFromHttpStatus(status));
  const retryAfterMs =
    kind === 'rate_limited' || status === 503
      ? parseRetryAfterMs(headers.get('retry-after'), options.nowMs ?? Date.now())
      : undefined;
  const text = message ?? `HTTP ${status}`;
  return new UpstreamError(
    'attio',
    kind,
    type ? `${text} (${type}/${code ?? 'unknown'})` : text,
    { status, code, retryAfterMs },
    options.operation,
  );
}
