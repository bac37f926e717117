/**
 * Log redaction, one walk per log line (pino's `formatters.log`): values under known secret-carrying keys
 * (auth headers, signatures, tokens, card fields) are replaced at any depth, and every string is scrubbed
 * of anything card-like (a PAN pasted into a free-text field, an upstream echo) and of credentials after an
 * auth scheme. pino's own path-based `redact` is not used: it re-parsed its paths on every line and was the
 * largest cost of a webhook's access log (bench/webhook-ingest). Request and response serializers log no
 * headers at all (id, method, url; status code).
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set(
  [
    'authorization',
    'cookie',
    'password',
    'secret',
    'token',
    'access_token',
    'refresh_token',
    'client_secret',
    'privateKey',
    'private_key',
    'cvv',
    'number',
    'paymentMethodNonce',
    'payment_method_nonce',
    'bt_signature',
    'x-zoho-webhook-signature',
    'attio-signature',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[REDACTED]';

// 13–19 digits, optionally grouped by spaces or dashes: the shapes of a primary account number.
const PAN = /\b(?:\d[ -]?){12,18}\d\b/g;
const BEARER = /\b(Bearer|Zoho-oauthtoken|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// A signed token anywhere (a checkout link's token travels in the URL path of /checkout/sessions/<token>).
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
// The value of a query parameter whose name says it is a credential (`?token=…`, `?api_key=…`).
const SECRET_PARAM = /([?&][^=&#\s]*(?:token|secret|signature|password|key)[^=&#\s]*=)[^&#\s]+/gi;

/** Replaces card numbers and credentials inside a string. */
export function scrubString(value: string): string {
  return value
    .replace(JWT, '[REDACTED_JWT]')
    .replace(PAN, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[REDACTED_PAN]' : m))
    .replace(BEARER, '$1 [REDACTED]')
    .replace(SECRET_PARAM, '$1[REDACTED]');
}

/** Deep copy of a log object, secret keys censored and every string scrubbed (depth-limited; logs are small). */
export function scrubObject<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubString(value) as T;
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, depth + 1)) as T;
  // Only plain data is copied; live objects (requests, responses, errors) are left to serializers.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = v !== undefined && REDACTED_KEYS.has(k.toLowerCase()) ? REDACTED : scrubObject(v, depth + 1);
  }
  return out as T;
}

/**
 * Marks a log object whose strings were scrubbed where it was built, so the per-line walk can skip it. Only for
 * lines of a fixed shape on the hot path (the access line: access-log.ts and the `req` serializer scrub its strings).
 */
export const PRE_SCRUBBED: unique symbol = Symbol('log line already scrubbed');

/** pino's `formatters.log`: one redaction walk per line, unless the line was built already scrubbed. */
export function scrubLogLine(line: Record<string, unknown>): Record<string, unknown> {
  return (line as { [PRE_SCRUBBED]?: true })[PRE_SCRUBBED] ? line : scrubObject(line);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
