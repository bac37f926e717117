import type { Platform } from '../errors/upstream-error';

/**
 * What a webhook guard attaches to the request after the signature checks out. The event pipeline
 * stores exactly this; `eventId` is the platform's own id used for de-duplication:
 * Attio `Idempotency-Key` header, Zoho `event_id`, Braintree `<kind>:<subject id>:<timestamp>` (decoded).
 */
export interface VerifiedWebhook {
  platform: Platform;
  eventId: string;
  /** Event type as the platform names it (`record.updated`, `invoice_created`, `dispute_opened`, …). */
  type: string;
  /** Parsed payload (JSON for Attio/Zoho; the SDK-parsed notification for Braintree). */
  payload: unknown;
  /** The raw body as received (UTF-8), kept for audit and re-verification. */
  rawBody: string;
  /** Only the headers that matter for processing/audit; never Authorization. */
  headers: Record<string, string>;
  receivedAt: string;
}

export const VERIFIED_WEBHOOK_KEY = 'verifiedWebhook';

/** Request shape guards write to and controllers read from. */
export interface RequestWithWebhook {
  [VERIFIED_WEBHOOK_KEY]?: VerifiedWebhook;
}
