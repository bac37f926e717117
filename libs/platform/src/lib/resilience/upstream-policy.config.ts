import type { Platform } from '../errors/upstream-error';

/** At most `limit` calls start in any `windowMs` window. `limit: Infinity` means no client-side limit. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface UpstreamPolicyConfig {
  platform: Platform;
  /** Per attempt, in milliseconds; the attempt's AbortSignal is aborted when it elapses. */
  timeoutMs: number;
  /** Including the first attempt. */
  maxAttempts: number;
  /** Exponential backoff with full jitter: delay = random(0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Cap on an honoured Retry-After (ms); a longer Retry-After is waited only up to this cap. */
  maxRetryAfterMs: number;
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  /**
   * Client-side limiter. Reads and writes count in their own windows; `shared`, when set, is an extra
   * budget every call (read or write) also counts against — for platforms with one budget (Zoho).
   */
  rateLimits: { read: RateLimit; write: RateLimit; shared?: RateLimit };
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const NO_LIMIT: RateLimit = { limit: Infinity, windowMs: SECOND_MS };

/**
 * Attio: 100 read requests/s and 25 write requests/s; a 429 carries Retry-After as an HTTP date, usually
 * the next second, and a rate-limited request was not processed.
 * https://docs.attio.com/rest-api/guides/rate-limiting
 */
export const ATTIO_POLICY: UpstreamPolicyConfig = {
  platform: 'attio',
  timeoutMs: 10 * SECOND_MS,
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5 * SECOND_MS,
  maxRetryAfterMs: 10 * SECOND_MS,
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30 * SECOND_MS },
  rateLimits: {
    read: { limit: 100, windowMs: SECOND_MS },
    write: { limit: 25, windowMs: SECOND_MS },
  },
};

/**
 * Zoho Billing: 429 is documented (https://www.zoho.com/billing/api/v1/errors/), but Billing's own numeric
 * limit is UNCONFIRMED; a per-minute budget is reported by users and Zoho Books documents 100 requests/min
 * per organisation (see /work/shared/PLATFORMS.md §2). Reads and writes therefore share one per-minute
 * budget, taken from config (`zoho.requestsPerMinute`). Whether Zoho sends Retry-After is UNCONFIRMED;
 * without it the backoff applies.
 */
export function zohoPolicy(requestsPerMinute: number): UpstreamPolicyConfig {
  return {
    platform: 'zoho',
    timeoutMs: 15 * SECOND_MS,
    maxAttempts: 3,
    baseDelayMs: 500,
    maxDelayMs: 8 * SECOND_MS,
    // A per-minute window can ask for up to a minute.
    maxRetryAfterMs: MINUTE_MS,
    breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30 * SECOND_MS },
    rateLimits: {
      read: NO_LIMIT,
      write: NO_LIMIT,
      shared: { limit: requestsPerMinute, windowMs: MINUTE_MS },
    },
  };
}

/**
 * Braintree publishes no numeric rate limit (UNCONFIRMED; throttling answers 429, which the Node SDK
 * raises as `tooManyRequestsError`), so no client-side limit is set. Transactions can take long to
 * answer; the SDK's own default request timeout is 60 s, hence a generous per-attempt timeout. Writes
 * (charges) must use a `check` repeat strategy (search by orderId) — see ARCHITECTURE.md §5.
 */
export const BRAINTREE_POLICY: UpstreamPolicyConfig = {
  platform: 'braintree',
  timeoutMs: 60 * SECOND_MS,
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8 * SECOND_MS,
  maxRetryAfterMs: 30 * SECOND_MS,
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30 * SECOND_MS },
  rateLimits: { read: NO_LIMIT, write: NO_LIMIT },
};
