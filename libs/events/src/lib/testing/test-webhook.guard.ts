/* Test double of the platform webhook guards (the contract of AttioWebhookGuard & co). */
import { CanActivate, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, Platform, RequestWithWebhook, VerifiedWebhook } from '@aia/platform';

export const TEST_SIGNATURE_HEADER = 'x-test-signature';
export const GOOD_SIGNATURE = 'good';

/**
 * Accepts a request whose `x-test-signature` is `good` and whose JSON body has `id` and `type`;
 * sets req.verifiedWebhook like the real guards, or throws DomainError(InvalidSignature).
 */
export class TestWebhookGuard implements CanActivate {
  constructor(private readonly platform: Platform) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<FastifyRequest & RequestWithWebhook & { rawBody?: Buffer }>();
    if (req.headers[TEST_SIGNATURE_HEADER] !== GOOD_SIGNATURE) {
      throw new DomainError(ErrorCode.InvalidSignature, 'Webhook signature does not match');
    }
    const body = (req.body ?? {}) as { id?: string; type?: string };
    const webhook: VerifiedWebhook = {
      platform: this.platform,
      eventId: String(body.id),
      type: String(body.type),
      payload: body,
      rawBody: req.rawBody?.toString('utf8') ?? '',
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      receivedAt: new Date().toISOString(),
    };
    req.verifiedWebhook = webhook;
    return true;
  }
}
