import { CanActivate, ExecutionContext, Inject, Injectable, Logger, RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  acceptWebhook,
  firstHeader,
  jsonPayloadOf,
  malformedWebhook,
  pickHeaders,
  rejectWebhook,
  RequestWithWebhook,
} from '@aia/platform';
import { computeZohoSignature, signaturesMatch, ZOHO_SIGNATURE_HEADER } from './zoho-webhook-signature';
import { ZOHO_MODULE_OPTIONS, ZohoModuleOptions } from './zoho.options';

type ZohoWebhookRequest = RawBodyRequest<FastifyRequest> & RequestWithWebhook;

/** Headers kept with the stored event (never Authorization or cookies). */
export const ZOHO_KEPT_HEADERS = ['content-type', 'user-agent', ZOHO_SIGNATURE_HEADER, 'x-correlation-id'];

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
    const signature = firstHeader(req.headers, ZOHO_SIGNATURE_HEADER);
    if (!raw) return this.reject(req, 'missing_body');
    if (!signature) return this.reject(req, 'missing_signature');
    // Query parameters are part of what Zoho signs; most webhooks have none (no URL parsing then).
    const queryAt = req.url.indexOf('?');
    const params = queryAt < 0 ? [] : [...new URLSearchParams(req.url.slice(queryAt + 1)).entries()];
    const valid = this.options.zoho.webhookSecrets.some((secret) =>
      signaturesMatch(computeZohoSignature(secret, raw, params), signature),
    );
    if (!valid) return this.reject(req, 'invalid_signature');

    const rawBody = raw.toString('utf8');
    let payload: { event_id?: unknown; event_type?: unknown };
    try {
      payload = jsonPayloadOf(req, rawBody) as typeof payload;
    } catch {
      return malformedWebhook('zoho', 'Zoho webhook body is not JSON');
    }
    if (
      !payload ||
      typeof payload !== 'object' ||
      (typeof payload.event_id !== 'string' && typeof payload.event_id !== 'number')
    ) {
      return malformedWebhook('zoho', 'Zoho webhook has no event_id');
    }
    return acceptWebhook(req, {
      platform: 'zoho',
      eventId: String(payload.event_id),
      type: typeof payload.event_type === 'string' ? payload.event_type : 'unknown',
      payload,
      rawBody,
      headers: pickHeaders(req.headers, ZOHO_KEPT_HEADERS),
      receivedAt: new Date().toISOString(),
    });
  }

  private reject(req: ZohoWebhookRequest, reason: string): never {
    return rejectWebhook(this.logger, 'zoho', reason, req);
  }
}
