import { RETRY_AFTER_FLOOR_MS, UpstreamError } from '@aia/platform';
import { classifyZohoError, zohoUpstreamError } from './zoho-error.classifier';

describe('classifyZohoError', () => {
  it.each([
    [429, { code: 44, message: 'too many' }, 'rate_limited', true],
    [500, { code: 1000, message: 'Internal error' }, 'unavailable', true],
    [503, undefined, 'unavailable', true],
    [408, undefined, 'unavailable', true],
    [401, { code: 57, message: 'You are not authorized to perform this operation' }, 'auth', false],
    [403, { code: 99, message: 'forbidden' }, 'auth', false],
    [404, { code: 1002, message: 'Invoice does not exist.' }, 'not_found', false],
    [400, { code: 1002, message: 'Customer does not exist.' }, 'not_found', false],
    [400, { code: 3062, message: 'The customer "A" already exists.' }, 'conflict', false],
    [400, { code: 4, message: 'Invalid value passed for amount' }, 'validation', false],
    [405, { code: 5, message: 'Invalid URL Passed' }, 'validation', false],
    [200, { code: 1, message: 'something odd' }, 'rejected', false],
    [200, 'not json', 'rejected', false],
    [400, { code: 45, message: 'daily limit' }, 'rate_limited', true],
  ])('HTTP %i %j → %s (temporary: %s)', (status, body, kind, temporary) => {
    const c = classifyZohoError(status, body);
    expect(c.kind).toBe(kind);
    expect(c.temporary).toBe(temporary);
  });

  it('keeps Zoho code and message, and numeric codes sent as strings', () => {
    expect(classifyZohoError(404, { code: '1002', message: 'Plan does not exist.' })).toEqual({
      kind: 'not_found',
      temporary: false,
      code: 1002,
      message: 'Plan does not exist.',
    });
    expect(classifyZohoError(502, undefined).message).toBe('HTTP 502');
  });

  it('builds an UpstreamError with status, code, and Retry-After only for rate limits', () => {
    const limited = zohoUpstreamError(
      429,
      { code: 44, message: 'slow down' },
      new Headers({ 'retry-after': '2' }),
      'plans.list',
    );
    expect(limited).toBeInstanceOf(UpstreamError);
    expect(limited.upstream).toEqual({ status: 429, code: 44, retryAfterMs: 2000 });
    expect(limited.operation).toBe('plans.list');
    expect(limited.message).toBe('zoho: slow down');
    const notFound = zohoUpstreamError(
      404,
      { code: 1002, message: 'x' },
      new Headers({ 'retry-after': '2' }),
      'op',
    );
    expect(notFound.upstream.retryAfterMs).toBeUndefined();
    expect(notFound.temporary).toBe(false);
  });

  it('waits the 1 s floor, not zero, for a Retry-After of 0 seconds or an unreadable one', () => {
    expect(RETRY_AFTER_FLOOR_MS).toBe(1_000);
    for (const value of ['0', 'later']) {
      const limited = zohoUpstreamError(
        429,
        { code: 44 },
        new Headers({ 'retry-after': value }),
        'plans.list',
      );
      expect(limited.upstream.retryAfterMs).toBe(RETRY_AFTER_FLOOR_MS);
    }
  });
});
