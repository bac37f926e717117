import { UpstreamError } from '@aia/platform';
import * as braintree from 'braintree';
import { braintreeUpstreamError, classifyBraintreeError } from './braintree-error.classifier';

// The SDK's own error factories (braintree/lib/braintree/exceptions.js), untyped in @types/braintree.
const exceptions = (braintree as unknown as { exceptions: Record<string, (message: string) => Error> })
  .exceptions;
const sdkError = (factory: string, message = '') => exceptions[factory](message);

describe('classifyBraintreeError', () => {
  it.each([
    ['ServiceUnavailableError', 'unavailable', true, 503],
    ['ServerError', 'unavailable', true, 500],
    ['GatewayTimeoutError', 'unavailable', true, 504],
    ['RequestTimeoutError', 'unavailable', true, 408],
    ['TooManyRequestsError', 'rate_limited', true, 429],
    ['AuthenticationError', 'auth', false, 401],
    ['AuthorizationError', 'auth', false, 403],
    ['NotFoundError', 'not_found', false, 404],
    ['UpgradeRequired', 'validation', false, 426],
  ])('%s → %s (temporary %s, status %s)', (factory, kind, temporary, status) => {
    expect(classifyBraintreeError(sdkError(factory))).toMatchObject({ kind, temporary, status });
  });

  it('reads the status out of an unexpected HTTP response', () => {
    expect(
      classifyBraintreeError(sdkError('UnexpectedError', 'Unexpected HTTP response: 502')),
    ).toMatchObject({
      kind: 'unavailable',
      temporary: true,
      status: 502,
    });
    expect(
      classifyBraintreeError(sdkError('UnexpectedError', 'Unexpected HTTP response: 400')),
    ).toMatchObject({
      kind: 'validation',
      temporary: false,
    });
  });

  it('treats socket errors and the SDK timeout as temporary, keeping the Node code', () => {
    expect(
      classifyBraintreeError(
        sdkError('UnexpectedError', 'Unexpected request error: Error: connect ECONNREFUSED 127.0.0.1:4030'),
      ),
    ).toEqual({ kind: 'unavailable', temporary: true, code: 'ECONNREFUSED' });
    expect(classifyBraintreeError(sdkError('UnexpectedError', 'Request timed out'))).toEqual({
      kind: 'unavailable',
      temporary: true,
      code: 'ETIMEDOUT',
    });
    expect(
      classifyBraintreeError(sdkError('UnexpectedError', 'Unexpected request error: Error: socket hang up')),
    ).toMatchObject({
      kind: 'unavailable',
      temporary: true,
    });
  });

  it('treats SDK-side argument errors and unknown failures as permanent', () => {
    expect(classifyBraintreeError(sdkError('InvalidKeysError', 'These keys are invalid: foo'))).toMatchObject(
      {
        kind: 'validation',
        temporary: false,
      },
    );
    expect(classifyBraintreeError(sdkError('UnexpectedError', 'Unexpected Error'))).toMatchObject({
      kind: 'rejected',
      temporary: false,
    });
    expect(classifyBraintreeError(new TypeError('x is undefined'))).toMatchObject({
      kind: 'rejected',
      temporary: false,
    });
  });

  it('treats raw aborts and Node network errors as temporary', () => {
    expect(classifyBraintreeError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject(
      {
        kind: 'unavailable',
        temporary: true,
      },
    );
    expect(classifyBraintreeError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toEqual({
      kind: 'unavailable',
      temporary: true,
      code: 'ECONNRESET',
    });
  });

  it('builds an UpstreamError the policy understands', () => {
    const err = braintreeUpstreamError(
      sdkError('ServiceUnavailableError', 'Service Unavailable Error'),
      'transaction.sale',
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({
      platform: 'braintree',
      kind: 'unavailable',
      operation: 'transaction.sale',
      temporary: true,
    });
    expect(err.upstream).toEqual({ status: 503, code: 'serviceUnavailableError' });
  });
});
