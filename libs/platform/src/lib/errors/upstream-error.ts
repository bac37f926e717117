import { DomainError } from './domain-error';
import { ErrorCode } from './error-code';

export type Platform = 'attio' | 'zoho' | 'braintree';

/**
 * What went wrong upstream, in terms a caller can act on:
 * - temporary: `unavailable` (network, timeout, 5xx, open breaker) and `rate_limited` — safe to retry
 *   reads; writes only with a repeat check.
 * - permanent: `not_found`, `validation`, `auth`, `conflict`, `rejected` — retrying cannot help.
 */
export type UpstreamErrorKind =
  'not_found' | 'validation' | 'auth' | 'rate_limited' | 'unavailable' | 'conflict' | 'rejected';

const KIND_TO_CODE: Record<UpstreamErrorKind, ErrorCode> = {
  not_found: ErrorCode.NotFound,
  validation: ErrorCode.UpstreamRejected,
  auth: ErrorCode.UpstreamRejected,
  rate_limited: ErrorCode.UpstreamUnavailable,
  unavailable: ErrorCode.UpstreamUnavailable,
  conflict: ErrorCode.Conflict,
  rejected: ErrorCode.UpstreamRejected,
};

export class UpstreamError extends DomainError {
  constructor(
    readonly platform: Platform,
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly upstream: { status?: number; code?: string | number; retryAfterMs?: number } = {},
    readonly operation?: string,
  ) {
    super(KIND_TO_CODE[kind], `${platform}: ${message}`, { platform, kind, ...upstream });
    this.name = 'UpstreamError';
  }

  get temporary(): boolean {
    return isTemporaryKind(this.kind);
  }
}

export function isTemporaryKind(kind: UpstreamErrorKind): boolean {
  return kind === 'unavailable' || kind === 'rate_limited';
}

/** True for errors a retry may cure (used by queues and the resilience policy). */
export function isTemporaryError(err: unknown): boolean {
  return err instanceof UpstreamError ? err.temporary : false;
}

/** Classifies an HTTP status the way every platform here uses it. */
export function kindFromHttpStatus(status: number): UpstreamErrorKind {
  if (status === 404) return 'not_found';
  if (status === 401 || status === 403) return 'auth';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'unavailable';
  if (status >= 400) return 'validation';
  return 'rejected';
}
