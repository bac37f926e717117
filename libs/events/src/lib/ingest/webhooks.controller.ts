import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError, ErrorCode, VERIFIED_WEBHOOK_KEY } from '@aia/platform';
import type { Platform, RequestWithWebhook } from '@aia/platform';
import { EventIngestService } from './event-ingest.service';
import type { IngestResult } from './event-ingest.service';
import {
  AttioWebhookGuardProxy,
  BraintreeWebhookGuardProxy,
  ZohoWebhookGuardProxy,
} from './webhook-guard.proxy';

/**
 * The three webhook endpoints. The guard verifies the signature and puts the VerifiedWebhook on the
 * request; this stores it, queues it and answers 200 (also for repeats and unhandled types, so the
 * platform stops retrying: Attio retries any non-2xx for about 3 days, PLATFORMS.md §1).
 */
@ApiExcludeController()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly ingest: EventIngestService) {}

  @Post('attio')
  @HttpCode(200)
  @UseGuards(AttioWebhookGuardProxy)
  attio(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.accept('attio', req);
  }

  @Post('zoho')
  @HttpCode(200)
  @UseGuards(ZohoWebhookGuardProxy)
  zoho(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.accept('zoho', req);
  }

  /** Braintree's `check` kind (sent by "check URL" in its control panel) is stored as ignored and answered 200. */
  @Post('braintree')
  @HttpCode(200)
  @UseGuards(BraintreeWebhookGuardProxy)
  braintree(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.accept('braintree', req);
  }

  private accept(platform: Platform, req: RequestWithWebhook): Promise<IngestResult> {
    const webhook = req[VERIFIED_WEBHOOK_KEY];
    if (!webhook || webhook.platform !== platform) {
      // The guard let the request through without a verified event: a wiring bug, never a 200.
      throw new DomainError(ErrorCode.Internal, `The ${platform} webhook guard did not verify the request`);
    }
    return this.ingest.ingest(webhook);
  }
}
