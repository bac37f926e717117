import type { Platform } from '@aia/platform';
import type { WebhookGuardRef } from './events-options';

/**
 * The real guards, used unless EventsModule.forRootAsync({ guards }) overrides them. Filled in as the
 * integration libraries provide them (AttioWebhookGuard, ZohoWebhookGuard, BraintreeWebhookGuard);
 * a platform without a guard answers 503 rather than accept unverified webhooks.
 */
export const DEFAULT_WEBHOOK_GUARDS: Partial<Record<Platform, WebhookGuardRef>> = {};
