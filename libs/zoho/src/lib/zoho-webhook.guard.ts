import { CanActivate, ExecutionContext, Inject, Injectable, Logger, RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  DomainError,
  ErrorCode,
  RequestWithWebhook,
  VERIFIED_WEBHOOK_KEY,
  VerifiedWebhook,
  webhooksReceivedTotal,
  webhooksRejectedTotal,
} from '@aia/platform';
import { computeZohoSignature, signaturesMatch, ZOHO_SIGNATURE_HEADER } from './zoho-webhook-signature';
import { ZOHO_MODULE_OPTIONS, ZohoModuleOptions } from './zoho.options';

type ZohoWebhookRequest = RawBodyRequest<FastifyRequest> & RequestWithWebhook;

/** Headers kept with the stored event (never Authorization or cookies). */
const KEPT_HEADERS = ['content-type', 'user-agent', ZOHO_SIGNATURE_HEADER, 'x-correlation-id'];

/**
 * Verifies `X-Zoho-Webhook-Signature` over the raw bytes (the Nest app must be created with `rawBody: true`)
 * against every configured secret, so secrets can be rotated without downtime. On success the request carries
 * `verifiedWebhook`; otherwise nothing is stored and a 401 is answered.
 */
@Injectable()
export class ZohoWebhookGuard implements CanActivate {
  private readonly logger = new Logger(ZohoWebhookGuard.name);

  constructor(@Inject(ZOHO_MODULE_OPTIONS) private readonly options: ZohoModuleOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<ZohoWebhookRequest>();
    const raw = req.rawBody;
    const header = req.headers[ZOHO_SIGNATURE_HEADER];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!raw) return this.reject(req, 'missing_body');
    if (!signature) return this.reject(req, 'missing_signature');
    const params = [...new URL(req.url, 'http://localhost').searchParams.entries()];
    const valid = this.options.zoho.webhookSecrets.some((secret) =>
      signaturesMatch(computeZohoSignature(secret, raw, params), signature),
    );
    if (!valid) return this.reject(req, 'invalid_signature');

    let payload: { event_id?: unknown; event_type?: unknown };
    try {
      payload = JSON.parse(raw.toString('utf8')) as typeof payload;
    } catch {
      webhooksRejectedTotal.inc({ platform: 'zoho', reason: 'malformed' });
      throw new DomainError(ErrorCode.BadRequest, 'Zoho webhook body is not JSON');
    }
    if (
      !payload ||
      typeof payload !== 'object' ||
      (typeof payload.event_id !== 'string' && typeof payload.event_id !== 'number')
    ) {
      webhooksRejectedTotal.inc({ platform: 'zoho', reason: 'malformed' });
      throw new DomainError(ErrorCode.BadRequest, 'Zoho webhook has no event_id');
    }
    const verified: VerifiedWebhook = {
      platform: 'zoho',
      eventId: String(payload.event_id),
      type: typeof payload.event_type === 'string' ? payload.event_type : 'unknown',
      payload,
      rawBody: raw.toString('utf8'),
      headers: Object.fromEntries(
        KEPT_HEADERS.flatMap((h) => {
          const v = req.headers[h];
          return typeof v === 'string' ? [[h, v]] : [];
        }),
      ),
      receivedAt: new Date().toISOString(),
    };
    req[VERIFIED_WEBHOOK_KEY] = verified;
    webhooksReceivedTotal.inc({ platform: 'zoho' });
    return true;
  }

  private reject(req: ZohoWebhookRequest, reason: string): never {
    webhooksRejectedTotal.inc({ platform: 'zoho', reason });
    // No body, no signature value in the log: only why and from where.
    this.logger.warn({ reason, ip: req.ip, url: req.url.split('?')[0] }, 'Zoho webhook rejected');
    throw new DomainError(ErrorCode.InvalidSignature, 'Invalid Zoho webhook signature');
  }
}
