import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import type { Platform } from '../errors/upstream-error';

/**
 * A verified webhook whose payload does not have the shape a workflow needs. Permanent (a DomainError that
 * is not an UpstreamError): retrying the same bytes cannot help, so the event dead-letters with `reason`.
 */
export class WebhookPayloadError extends DomainError {
  constructor(
    readonly platform: Platform,
    readonly reason: string,
  ) {
    super(ErrorCode.BadRequest, `${platform} webhook payload: ${reason}`, { platform, reason });
    this.name = 'WebhookPayloadError';
  }
}
