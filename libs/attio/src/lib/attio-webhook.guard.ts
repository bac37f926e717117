import { CanActivate, ExecutionContext, Inject, Injectable, Logger, RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  RequestWithWebhook,
  VERIFIED_WEBHOOK_KEY,
  VerifiedWebhook,
  webhooksReceivedTotal,
  webhooksRejectedTotal,
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
  const a = Buffer.from(expectedHex, 'utf8');
  const b = Buffer.from(receivedHex.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
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
    const signatures = SIGNATURE_HEADERS.map((h) => header(req, h)).filter((s): s is string => !!s);
    if (!signatures.length) return this.reject(req, 'missing_signature');
    const valid = this.options.attio.webhookSecrets.some((secret) => {
      const expected = computeAttioSignature(secret, raw);
      return signatures.some((s) => attioSignaturesMatch(expected, s));
    });
    if (!valid) return this.reject(req, 'invalid_signature');

    const rawBody = raw.toString('utf8');
    let payload: { events?: Array<{ event_type?: unknown }> };
    try {
      payload = JSON.parse(rawBody) as typeof payload;
    } catch {
      webhooksRejectedTotal.inc({ platform: 'attio', reason: 'malformed' });
      throw new DomainError(ErrorCode.BadRequest, 'Attio webhook body is not JSON');
    }
    const firstType = Array.isArray(payload?.events) ? payload.events[0]?.event_type : undefined;
    const verified: VerifiedWebhook = {
      platform: 'attio',
      eventId: header(req, IDEMPOTENCY_HEADER) ?? createHash('sha256').update(raw).digest('hex'),
      type: typeof firstType === 'string' ? firstType : 'unknown',
      payload,
      rawBody,
      headers: Object.fromEntries(
        KEPT_HEADERS.flatMap((h) => {
          const v = header(req, h);
          return v === undefined ? [] : [[h, v]];
        }),
      ),
      receivedAt: new Date().toISOString(),
    };
    req[VERIFIED_WEBHOOK_KEY] = verified;
    webhooksReceivedTotal.inc({ platform: 'attio' });
    return true;
  }

  private reject(req: AttioWebhookRequest, reason: string): never {
    webhooksRejectedTotal.inc({ platform: 'attio', reason });
    // Never the body or the signature value in the log: only why and from where.
    this.logger.warn({ reason, ip: req.ip, url: req.url.split('?')[0] }, 'Attio webhook rejected');
    throw new DomainError(ErrorCode.InvalidSignature, 'Invalid Attio webhook signature');
  }
}
