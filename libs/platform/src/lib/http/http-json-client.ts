import { kindFromHttpStatus, UpstreamError, type Platform } from '../errors/upstream-error';

export interface HttpRequest {
  baseUrl: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (e.g. OAuth token requests). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

/** Joins base URL and path with exactly one slash and appends the defined query parameters. */
export function buildUrl(baseUrl: string, path: string, query?: HttpRequest['query']): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

/**
 * One HTTP exchange. The contract every transport keeps (http-transport.contract.ts): never throws on an HTTP
 * status (the caller classifies the answer); throws only what the request itself failed with (network
 * errors with their socket code, an AbortError when the signal aborts), which the resilience policy retries.
 */
export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

/** URL, headers and body of a request, as every transport sends them. */
export function encodeRequest(req: HttpRequest): {
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
} {
  const headers: Record<string, string> = { accept: 'application/json', ...lowerCaseKeys(req.headers) };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  } else if (req.form !== undefined) {
    body = new URLSearchParams(req.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  return { url: buildUrl(req.baseUrl, req.path, req.query), headers, body };
}

/** The response every transport returns: status, headers, raw text and the JSON parsed from it. */
export function decodeResponse(status: number, headers: Headers, text: string): HttpResponse {
  return { status, headers, text, json: parseJson(text) };
}

/** The HttpTransport on the global fetch (used where no Nest module provides the @nestjs/axios one). */
export const requestJson: HttpTransport = async (req) => {
  const { url, headers, body } = encodeRequest(req);
  const res = await fetch(url, { method: req.method, headers, body, signal: req.signal });
  return decodeResponse(res.status, res.headers, await res.text());
};

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The shortest wait a Retry-After may ask for (ms). A date already in the past (the platform's clock a little
 * ahead of ours, or the answer slow to arrive), `0`, or a value we cannot read would otherwise mean "retry at
 * once", straight into the same limit; one second is the granularity both Attio (HTTP date) and Zoho
 * (delay-seconds) use.
 */
export const RETRY_AFTER_FLOOR_MS = 1_000;

/**
 * Retry-After in ms from now. RFC 9110 §10.2.3 allows delay-seconds or an HTTP date; Attio sends a date
 * (https://docs.attio.com/rest-api/guides/rate-limiting), Zoho seconds. A future value is honoured exactly;
 * zero, a date not in the future, or an unreadable value gives RETRY_AFTER_FLOOR_MS. Undefined only when the
 * header is absent (the policy's backoff applies then).
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  let waitMs: number;
  if (/^\d+(\.\d+)?$/.test(value)) waitMs = Math.round(Number(value) * 1000);
  else {
    const at = Date.parse(value);
    waitMs = Number.isNaN(at) ? 0 : at - nowMs;
  }
  return waitMs > 0 ? waitMs : RETRY_AFTER_FLOOR_MS;
}

/**
 * Convenience for platform clients: the UpstreamError for a non-2xx response, classified by status, with
 * `status` and (for 429) `retryAfterMs` filled in. `code` is the platform's own error code, if known.
 */
export function upstreamErrorFromResponse(
  platform: Platform,
  res: Pick<HttpResponse, 'status' | 'headers'>,
  message: string,
  options: { code?: string | number; operation?: string; nowMs?: number } = {},
): UpstreamError {
  const retryAfterMs =
    res.status === 429 || res.status === 503
      ? parseRetryAfterMs(res.headers.get('retry-after'), options.nowMs ?? Date.now())
      : undefined;
  return new UpstreamError(
    platform,
    kindFromHttpStatus(res.status),
    message,
    { status: res.status, code: options.code, retryAfterMs },
    options.operation,
  );
}
