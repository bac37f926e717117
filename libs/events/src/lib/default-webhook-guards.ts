import type { Platform } from '@aia/platform';
import { AttioWebhookGuard } from '@aia/attio';
import { BraintreeWebhookGuard } from '@aia/braintree';
import { ZohoWebhookGuard } from '@aia/zoho';
import type { WebhookGuardRef } from './events-options';

/**
 * The real guards, used unless EventsModule.forRootAsync({ guards }) overrides them. They are provided
 * by AttioModule / ZohoModule / BraintreeModule (global), which the app must import; a platform whose
 * module is missing answers 503 rather than accept unverified webhooks.
 */
export const DEFAULT_WEBHOOK_GUARDS: Record<Platform, WebhookGuardRef> = {
  attio: AttioWebhookGuard,
  zoho: ZohoWebhookGuard,
  braintree: BraintreeWebhookGuard,
};
