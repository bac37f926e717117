import { CanActivate, ExecutionContext, Inject, Injectable, Logger, RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, createHmac } from 'node:crypto';
import {
  acceptWebhook,
  firstHeader,
  hexDigestsEqual,
  jsonPayloadOf,
  malformedWebhook,
  pickHeaders,
  rejectWebhook,
  RequestWithWebhook,
} from '@aia/platform';
import { ATTIO_MODULE_OPTIONS, AttioModuleOptions } from './attio.options';

type AttioWebhookRequest = RawBodyRequest<FastifyRequest> & RequestWithWebhook;

/** Attio sends the same signature in both headers (https://docs.attio.com/rest-api/how-to/webhooks). */
const SIGNATURE_HEADERS = ['attio-signature', 'x-attio-signature'] as const;
/** Same key across Attio's retries of one message (same guide); the event pipeline dedupes on it. */
const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Headers kept with the stored event (never Authorization or cookies). */
const KEPT_HEADERS = [
  'content-type',
  'user-agent',
  IDEMPOTENCY_HEADER,
  ...SIGNATURE_HEADERS,
  'x-correlation-id',
];

/** Hex HMAC-SHA256 of the raw body keyed with the webhook secret (PLATFORMS.md §1). */
export function computeAttioSignature(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Constant-time comparison of two hex signatures (different lengths are simply unequal). */
export function attioSignaturesMatch(expectedHex: string, receivedHex: string): boolean {
  return hexDigestsEqual(expectedHex, receivedHex);
}

/**
 * Verifies `Attio-Signature` / `X-Attio-Signature` over the raw bytes (the Nest app must be created with
 * `rawBody: true`) against every configured secret, so a secret can be rotated without downtime. On
 * success the request carries `verifiedWebhook`; otherwise nothing is stored and a 401 is answered.
 */
@Injectable()
export class AttioWebhookGuard implements CanActivate {
  private readonly logger = new Logger(AttioWebhookGuard.name);

  constructor(@Inject(ATTIO_MODULE_OPTIONS) private readonly options: AttioModuleOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AttioWebhookRequest>();
    const raw = req.rawBody;
    if (!raw) return this.reject(req, 'missing_body');
    const signatures = SIGNATURE_HEADERS.map((h) => firstHeader(req.headers, h)).filter(
      (s): s is string => !!s,
    );
    if (!signatures.length) return this.reject(req, 'missing_signature');
    const valid = this.options.attio.webhookSecrets.some((secret) => {
      const expected = computeAttioSignature(secret, raw);
      return signatures.some((s) => attioSignaturesMatch(expected, s));
    });
    if (!valid) return this.reject(req, 'invalid_signature');

    const rawBody = raw.toString('utf8');
    let payload: { events?: Array<{ event_type?: unknown }> };
    try {
      payload = jsonPayloadOf(req, rawBody) as typeof payload;
    } catch {
      return malformedWebhook('attio', 'Attio webhook body is not JSON');
    }
    const firstType = Array.isArray(payload?.events) ? payload.events[0]?.event_type : undefined;
    return acceptWebhook(req, {
      platform: 'attio',
      eventId: firstHeader(req.headers, IDEMPOTENCY_HEADER) ?? createHash('sha256').update(raw).digest('hex'),
      type: typeof firstType === 'string' ? firstType : 'unknown',
      payload,
      rawBody,
      headers: pickHeaders(req.headers, KEPT_HEADERS),
      receivedAt: new Date().toISOString(),
    });
  }

  private reject(req: AttioWebhookRequest, reason: string): never {
    return rejectWebhook(this.logger, 'attio', reason, req);
  }
}
