import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import {
  acceptWebhook,
  pickHeaders,
  rejectWebhook,
  VERIFIED_WEBHOOK_KEY,
  VerifiedWebhook,
} from '@aia/platform';
import type * as braintree from 'braintree';
import { createHash } from 'node:crypto';
import { BraintreeWebhookSummary, summarizeNotification } from './braintree-webhook.summary';
import { BRAINTREE_WEBHOOK_GATEWAYS } from './braintree.tokens';

/** Headers kept with the stored event. */
const KEPT_HEADERS = ['content-type', 'user-agent', 'x-correlation-id'];

interface WebhookRequest {
  ip?: string;
  url?: string;
  body?: unknown;
  rawBody?: Buffer | string;
  headers: Record<string, string | string[] | undefined>;
  [VERIFIED_WEBHOOK_KEY]?: VerifiedWebhook;
}

type RejectReason = 'missing_fields' | 'invalid_signature';

/**
 * Verifies a Braintree webhook: form-encoded `bt_signature` / `bt_payload` (read from the parsed form body,
 * or from the raw body when no form parser ran), checked and parsed by the official SDK's
 * `webhookNotification.parse` (HMAC-SHA1 keyed with SHA1(private key), PLATFORMS.md §5). Each accepted key
 * pair has its own gateway (rotation, see BraintreeModuleOptions.additionalWebhookKeys); the first that
 * verifies wins. On success `req.verifiedWebhook` is set; otherwise 401 `invalid_signature`, a warning
 * without the body, and `webhooks_rejected_total`.
 */
@Injectable()
export class BraintreeWebhookGuard implements CanActivate {
  private readonly logger = new Logger('BraintreeWebhookGuard');

  constructor(@Inject(BRAINTREE_WEBHOOK_GATEWAYS) private readonly gateways: braintree.BraintreeGateway[]) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WebhookRequest>();
    const fields = readFields(req);
    if (!fields) return this.reject('missing_fields', req);
    const notification = await this.parse(fields.signature, fields.payload);
    if (!notification) return this.reject('invalid_signature', req);
    const summary = summarizeNotification(notification);
    return acceptWebhook(req, {
      platform: 'braintree',
      eventId: braintreeEventId(summary, fields.payload),
      type: summary.kind,
      payload: summary,
      rawBody: fields.rawBody,
      headers: pickHeaders(req.headers, KEPT_HEADERS),
      receivedAt: new Date().toISOString(),
    });
  }

  private async parse(
    signature: string,
    payload: string,
  ): Promise<braintree.WebhookNotification | undefined> {
    for (const gateway of this.gateways) {
      try {
        return await gateway.webhookNotification.parse(signature, payload);
      } catch {
        // Not signed with this key pair (or tampered): try the next accepted pair.
      }
    }
    return undefined;
  }

  private reject(reason: RejectReason, req: WebhookRequest): never {
    return rejectWebhook(this.logger, 'braintree', reason, req);
  }
}

/**
 * Braintree sends no event id, so one is made from what the notification says happened: its kind, the id of
 * what it is about and its timestamp, e.g. `dispute_opened:<dispute id>:<timestamp>`. A redelivery of the same
 * notification carries the same three whatever its bytes (base64 wrapping, XML layout), where a hash of the
 * payload would differ. The subject is the dispute for `dispute_*`, the transaction for `transaction_*`, the
 * subscription for `subscription_*` (its charges come inside it, so `transaction` is null there); `check` and
 * kinds the summary does not cover have none (`check::<timestamp>`). Without a timestamp (never seen from
 * Braintree) nothing identifies the event but its bytes: the payload hash is the fallback.
 */
export function braintreeEventId(summary: BraintreeWebhookSummary, payload: string): string {
  if (!summary.timestamp) return createHash('sha256').update(payload, 'utf8').digest('hex');
  const subjectId = summary.dispute?.id ?? summary.transaction?.id ?? summary.subscription?.id ?? '';
  return `${summary.kind}:${subjectId}:${summary.timestamp}`;
}

function readFields(
  req: WebhookRequest,
): { signature: string; payload: string; rawBody: string } | undefined {
  const raw = typeof req.rawBody === 'string' ? req.rawBody : req.rawBody?.toString('utf8');
  let form: Record<string, unknown> | undefined;
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body))
    form = req.body as Record<string, unknown>;
  else if (raw !== undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body)) {
    const text = raw ?? (Buffer.isBuffer(req.body) ? req.body.toString('utf8') : (req.body as string));
    form = Object.fromEntries(new URLSearchParams(text));
  }
  const signature = form?.['bt_signature'];
  const payload = form?.['bt_payload'];
  if (typeof signature !== 'string' || typeof payload !== 'string' || !signature || !payload)
    return undefined;
  return {
    signature,
    payload,
    rawBody: raw ?? new URLSearchParams({ bt_signature: signature, bt_payload: payload }).toString(),
  };
}
