import { Logger } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { webhooksReceivedTotal, webhooksRejectedTotal } from '../metrics/metrics';
import { RequestWithWebhook, VerifiedWebhook } from './verified-webhook';
import {
  acceptWebhook,
  firstHeader,
  hexDigestsEqual,
  jsonPayloadOf,
  malformedWebhook,
  pickHeaders,
  rejectWebhook,
} from './webhook-guard.support';

const count = async (counter: typeof webhooksRejectedTotal, labels: Record<string, string>) =>
  (await counter.get()).values.find((v) =>
    Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  )?.value ?? 0;

describe('webhook guard support', () => {
  it('compares hex digests in constant time, ignoring case and surrounding space', () => {
    expect(hexDigestsEqual('ab12', ' AB12 ')).toBe(true);
    expect(hexDigestsEqual('ab12', 'ab13')).toBe(false);
    expect(hexDigestsEqual('ab12', 'ab1')).toBe(false);
  });

  it('keeps only the named headers, first value of repeated ones', () => {
    const headers = { authorization: 'Bearer x', 'content-type': 'application/json', 'x-many': ['a', 'b'] };
    expect(pickHeaders(headers, ['content-type', 'x-many', 'absent'])).toEqual({
      'content-type': 'application/json',
      'x-many': 'a',
    });
    expect(firstHeader(headers, 'x-many')).toBe('a');
  });

  it('rejects with a 401 domain error, counts the reason and logs no body', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const before = await count(webhooksRejectedTotal, { platform: 'zoho', reason: 'invalid_signature' });
    let thrown: unknown;
    try {
      rejectWebhook(logger, 'zoho', 'invalid_signature', {
        ip: '10.0.0.1',
        url: '/webhooks/zoho?token=secret',
      });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(ErrorCode.InvalidSignature);
    expect(await count(webhooksRejectedTotal, { platform: 'zoho', reason: 'invalid_signature' })).toBe(
      before + 1,
    );
    expect(warn).toHaveBeenCalledWith(
      { platform: 'zoho', reason: 'invalid_signature', ip: '10.0.0.1', url: '/webhooks/zoho' },
      'Zoho webhook rejected',
    );
  });

  it('reuses the body the JSON parser produced and parses the raw body otherwise', () => {
    const parsed = { event_id: 'from-parser' };
    const raw = '{"event_id":"from-raw"}';
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(jsonPayloadOf({ body: parsed, headers: json }, raw)).toBe(parsed);
    // A form body parsed by another parser is not the JSON document: the raw bytes decide.
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(jsonPayloadOf({ body: { event_id: 'x' }, headers: form }, raw)).toEqual({ event_id: 'from-raw' });
    expect(jsonPayloadOf({ headers: json }, raw)).toEqual({ event_id: 'from-raw' });
    expect(() => jsonPayloadOf({ body: { a: 1 }, headers: form }, 'a=1')).toThrow(SyntaxError);
  });

  it('answers malformed signed bodies with 400', () => {
    expect(() => malformedWebhook('attio', 'not JSON')).toThrow(
      expect.objectContaining({ code: ErrorCode.BadRequest }),
    );
  });

  it('attaches the verified webhook and counts it', async () => {
    const req: RequestWithWebhook = {};
    const webhook: VerifiedWebhook = {
      platform: 'braintree',
      eventId: 'e1',
      type: 'check',
      payload: {},
      rawBody: '',
      headers: {},
      receivedAt: new Date(0).toISOString(),
    };
    const before = await count(webhooksReceivedTotal, { platform: 'braintree' });
    expect(acceptWebhook(req, webhook)).toBe(true);
    expect(req.verifiedWebhook).toBe(webhook);
    expect(await count(webhooksReceivedTotal, { platform: 'braintree' })).toBe(before + 1);
  });
});
