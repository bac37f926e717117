import { RETRY_AFTER_FLOOR_MS, UpstreamError } from '@aia/platform';
import { classifyAttioError } from './attio-error.classifier';

const body = (status: number, type: string, code: string) => ({
  status_code: status,
  type,
  code,
  message: `${code} happened`,
});
const headers = (h: Record<string, string> = {}) => new Headers(h);
const NOW = Date.parse('2026-03-01T12:00:00.250Z');

describe('classifyAttioError', () => {
  it.each([
    [404, 'invalid_request_error', 'not_found', 'not_found'],
    [400, 'invalid_request_error', 'validation_type', 'validation'],
    [400, 'invalid_request_error', 'filter_error', 'validation'],
    [400, 'invalid_request_error', 'matching_attribute_definition_not_unique', 'validation'],
    [422, 'invalid_request_error', 'value_not_found', 'validation'],
    [401, 'auth_error', 'unauthorized', 'auth'],
    [403, 'auth_error', 'billing_error', 'auth'],
    [409, 'invalid_request_error', 'slug_conflict', 'conflict'],
    [400, 'invalid_request_error', 'uniqueness_conflict', 'conflict'],
    [500, 'api_error', 'internal_server_error', 'unavailable'],
    [503, 'api_error', 'service_unavailable', 'unavailable'],
    [408, 'api_error', 'timeout', 'unavailable'],
  ])('%i %s/%s → %s', (status, type, code, kind) => {
    const err = classifyAttioError(status, body(status, type, code), headers(), { operation: 'records.get' });
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({
      platform: 'attio',
      kind,
      operation: 'records.get',
      upstream: { status, code },
    });
    expect(err.message).toContain(`${code} happened`);
  });

  it('reads Retry-After as an HTTP date (Attio) into retryAfterMs', () => {
    const err = classifyAttioError(
      429,
      body(429, 'rate_limit_error', 'rate_limit_exceeded'),
      headers({ 'retry-after': 'Sun, 01 Mar 2026 12:00:01 GMT' }),
      {
        nowMs: NOW,
      },
    );
    expect(err).toMatchObject({ kind: 'rate_limited', upstream: { status: 429, retryAfterMs: 750 } });
    expect(err.temporary).toBe(true);
  });

  it('waits the 1 s floor, not zero, when the Retry-After date is already past or unreadable', () => {
    expect(RETRY_AFTER_FLOOR_MS).toBe(1_000);
    const past = classifyAttioError(
      429,
      undefined,
      headers({ 'retry-after': 'Sun, 01 Mar 2026 11:59:59 GMT' }),
      {
        nowMs: NOW,
      },
    );
    expect(past.upstream.retryAfterMs).toBe(RETRY_AFTER_FLOOR_MS);
    const garbled = classifyAttioError(
      429,
      undefined,
      headers({ 'retry-after': 'Sun, 01 Mar 2026 12:00:xx' }),
      {
        nowMs: NOW,
      },
    );
    expect(garbled.upstream.retryAfterMs).toBe(RETRY_AFTER_FLOOR_MS);
  });

  it('accepts Retry-After in seconds and tolerates a missing one', () => {
    expect(
      classifyAttioError(429, undefined, headers({ 'retry-after': '2' }), { nowMs: NOW }).upstream
        .retryAfterMs,
    ).toBe(2000);
    expect(
      classifyAttioError(429, undefined, headers(), { nowMs: NOW }).upstream.retryAfterMs,
    ).toBeUndefined();
  });

  it('keeps a rate limit a rate limit whatever the body says, and copes with non-JSON bodies', () => {
    expect(classifyAttioError(429, body(429, 'invalid_request_error', 'slug_conflict'), headers()).kind).toBe(
      'rate_limited',
    );
    const html = classifyAttioError(502, undefined, headers());
    expect(html).toMatchObject({ kind: 'unavailable', upstream: { status: 502, code: undefined } });
    expect(html.message).toContain('HTTP 502');
  });
});
