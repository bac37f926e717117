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
 * One HTTP exchange through the global fetch. Never throws on an HTTP status (the caller classifies it);
 * throws only what fetch throws (network errors, AbortError) — the resilience policy retries those.
 */
export async function requestJson(req: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...lowerCaseKeys(req.headers) };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  } else if (req.form !== undefined) {
    body = new URLSearchParams(req.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  const res = await fetch(buildUrl(req.baseUrl, req.path, req.query), {
    method: req.method,
    headers,
    body,
    signal: req.signal,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: parseJson(text) };
}

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
 * Retry-After in ms from now. RFC 9110 §10.2.3 allows delay-seconds or an HTTP date; Attio sends a date
 * (https://docs.attio.com/rest-api/guides/rate-limiting). A date in the past gives 0. Undefined when
 * absent or unparseable.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^[+-]?\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value);
    return seconds < 0 ? undefined : Math.round(seconds * 1000);
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
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
