import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller';

/**
 * `POST /webhooks/attio|zoho|braintree`. Needs AttioModule, ZohoModule, BraintreeModule (their guards) and
 * EventsModule (EventIngestService), all global: without one of them the app does not start.
 */
@Module({ controllers: [WebhooksController] })
export class WebhooksModule {}
