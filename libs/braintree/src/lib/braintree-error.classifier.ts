import { kindFromHttpStatus, UpstreamError, type UpstreamErrorKind } from '@aia/platform';

/**
 * What the SDK throws (braintree/lib/braintree/exceptions.js, http.js): an Error whose `type` names the
 * class. HTTP statuses map to types — 401 authenticationError, 403 authorizationError, 404 notFoundError,
 * 408 requestTimeoutError, 426 upgradeRequired, 429 tooManyRequestsError, 500 serverError,
 * 503 serviceUnavailableError, 504 gatewayTimeoutError, any other unexpected status
 * `unexpectedError("Unexpected HTTP response: <status>")`; socket problems and the SDK's own timeout are
 * `unexpectedError("Unexpected request error: Error: connect ECONNREFUSED …")` / `("Request timed out")`.
 */
export interface BraintreeErrorClass {
  kind: UpstreamErrorKind;
  temporary: boolean;
  status?: number;
  /** Node error code (ECONNREFUSED, ETIMEDOUT…) or the SDK error type. */
  code?: string;
}

const TYPE_STATUS: Record<string, number> = {
  authenticationError: 401,
  authorizationError: 403,
  notFoundError: 404,
  requestTimeoutError: 408,
  upgradeRequired: 426,
  tooManyRequestsError: 429,
  serverError: 500,
  serviceUnavailableError: 503,
  gatewayTimeoutError: 504,
};

/** Errors the SDK raises before sending anything (bad keys/arguments) or for our own mistakes. */
const PERMANENT_TYPES: Record<string, UpstreamErrorKind> = {
  invalidKeysError: 'validation',
  invalidSignatureError: 'validation',
  invalidChallengeError: 'validation',
  testOperationPerformedInProductionError: 'rejected',
};

function sdkType(err: unknown): string | undefined {
  const t = (err as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t : undefined;
}

/** Pure: classifies anything a Braintree SDK call threw as temporary (worth retrying) or permanent. */
export function classifyBraintreeError(err: unknown): BraintreeErrorClass {
  const type = sdkType(err);
  const message = err instanceof Error ? err.message : String(err);
  if (type && TYPE_STATUS[type] !== undefined) {
    const status = TYPE_STATUS[type];
    const kind = kindFromHttpStatus(status);
    return { kind, temporary: kind === 'unavailable' || kind === 'rate_limited', status, code: type };
  }
  if (type && PERMANENT_TYPES[type]) return { kind: PERMANENT_TYPES[type], temporary: false, code: type };
  if (type === 'unexpectedError') {
    const httpStatus = /Unexpected HTTP response: (\d{3})/.exec(message);
    if (httpStatus) {
      const status = Number(httpStatus[1]);
      const kind = kindFromHttpStatus(status);
      return { kind, temporary: kind === 'unavailable' || kind === 'rate_limited', status, code: type };
    }
    if (/Request timed out/i.test(message))
      return { kind: 'unavailable', temporary: true, code: 'ETIMEDOUT' };
    const nodeCode = /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
    if (/Unexpected (request|response) error/i.test(message)) {
      return { kind: 'unavailable', temporary: true, code: nodeCode ?? type };
    }
    // "Unexpected Error" from a search answer without results, or a malformed answer.
    return { kind: 'rejected', temporary: false, code: type };
  }
  const name = (err as { name?: unknown } | null)?.name;
  const code = (err as { code?: unknown } | null)?.code;
  if (name === 'AbortError' || name === 'TimeoutError')
    return { kind: 'unavailable', temporary: true, code: 'ETIMEDOUT' };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return { kind: 'unavailable', temporary: true, code };
  return { kind: 'rejected', temporary: false, code: type };
}

/** The UpstreamError a service throws into the policy (which retries only temporary kinds). */
export function braintreeUpstreamError(err: unknown, operation: string): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const c = classifyBraintreeError(err);
  const message = err instanceof Error ? err.message : String(err);
  return new UpstreamError(
    'braintree',
    c.kind,
    `${operation}: ${message}`,
    { status: c.status, code: c.code },
    operation,
  );
}

/** Runs one SDK call, turning what it throws into a classified UpstreamError. */
export async function sdkCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw braintreeUpstreamError(err, operation);
  }
}
