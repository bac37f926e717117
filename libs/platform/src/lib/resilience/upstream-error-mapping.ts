import { UpstreamError, type Platform } from '../errors/upstream-error';

/**
 * Node/undici error codes meaning the request never reached the platform, so even a non-idempotent write
 * may be re-sent. ECONNRESET/EPIPE/socket errors are NOT here: the request may have been processed.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Code marking a per-attempt timeout on the UpstreamError (`upstream.code`). */
export const TIMEOUT_CODE = 'ETIMEDOUT';
/** Code marking a call refused by the open breaker. */
export const CIRCUIT_OPEN_CODE = 'CIRCUIT_OPEN';

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // fetch wraps the socket error: TypeError('fetch failed', { cause: Error{ code: 'ECONNREFUSED' } }).
  const cause = (err as { cause?: unknown }).cause;
  return cause !== err ? errorCode(cause) : undefined;
}

function isNetworkError(err: unknown): boolean {
  // Duck-typed, not instanceof: fetch's errors may come from another realm (jest VM contexts, workers).
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  if (name === 'TypeError' && typeof message === 'string' && /fetch failed|network|terminated/i.test(message))
    return true;
  // axios (the @nestjs/axios transport): a request that got no response failed on the way, like fetch's
  // TypeError; its code is the socket's (ECONNREFUSED…) or axios' own (ERR_BAD_RESPONSE, ERR_NETWORK…).
  const axios = err as { isAxiosError?: unknown; response?: unknown };
  if (axios.isAxiosError === true && axios.response === undefined) return true;
  const code = errorCode(err);
  return code !== undefined && (/^E[A-Z]+$/.test(code) || code.startsWith('UND_ERR'));
}

/** The error of an attempt that ran out of time (`upstream.code` = TIMEOUT_CODE): unavailable, maybe processed. */
export function timeoutError(platform: Platform, operation: string, timeoutMs: number): UpstreamError {
  return new UpstreamError(
    platform,
    'unavailable',
    `${operation} timed out after ${timeoutMs} ms`,
    { code: TIMEOUT_CODE },
    operation,
  );
}

/**
 * Converts what one attempt threw into an UpstreamError. UpstreamErrors pass through; raw network errors
 * become `unavailable` carrying their code. Anything else (a bug, a parse error) is returned unchanged:
 * retrying a programming error cannot help and must not open the breaker.
 */
export function toUpstreamError(
  platform: Platform,
  operation: string,
  err: unknown,
): UpstreamError | unknown {
  if (err instanceof UpstreamError) return err;
  if (isNetworkError(err)) {
    const message = String((err as { message?: unknown }).message ?? err);
    return new UpstreamError(
      platform,
      'unavailable',
      `${operation} failed: ${message}`,
      { code: errorCode(err) },
      operation,
    );
  }
  return err;
}

/** True when the platform surely did not process the request (safe to re-send even a `never` write). */
export function surelyNotProcessed(err: UpstreamError): boolean {
  if (err.kind === 'rate_limited') return true; // Attio: "a rate limited response means we have not processed the request"
  const code = typeof err.upstream.code === 'string' ? err.upstream.code : undefined;
  return code !== undefined && (NOT_SENT_CODES.has(code) || code === CIRCUIT_OPEN_CODE);
}
