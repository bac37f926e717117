import { DomainError, ErrorCode, UpstreamError, WebhookPayloadError } from '@aia/platform';
import { classifyJobError, PermanentJobError } from './job-errors';

describe('classifyJobError', () => {
  it.each<[string, unknown, { permanent: boolean; unexpected: boolean }]>([
    // A payload a workflow cannot read stays unreadable: dead-letter at once, with its reason, no bug alert.
    [
      'a malformed webhook payload',
      new WebhookPayloadError('zoho', 'data.invoice is missing'),
      { permanent: true, unexpected: false },
    ],
    ['a PermanentJobError', new PermanentJobError('card declined'), { permanent: true, unexpected: false }],
    [
      'a DomainError',
      new DomainError(ErrorCode.Conflict, 'already paid'),
      { permanent: true, unexpected: false },
    ],
    [
      'a permanent UpstreamError',
      new UpstreamError('zoho', 'validation', 'bad'),
      { permanent: true, unexpected: false },
    ],
    [
      'a temporary UpstreamError',
      new UpstreamError('zoho', 'unavailable', '503'),
      { permanent: false, unexpected: false },
    ],
    ['anything else', new TypeError('x is undefined'), { permanent: false, unexpected: true }],
  ])('classifies %s', (_label, error, expected) => {
    expect(classifyJobError(error)).toEqual(expected);
  });
});
