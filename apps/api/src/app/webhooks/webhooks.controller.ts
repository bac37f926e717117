import { AttioWebhookGuard } from '@aia/attio';
import { BraintreeWebhookGuard } from '@aia/braintree';
import { EventIngestService } from '@aia/events';
import type { IngestResult } from '@aia/events';
import type { RequestWithWebhook } from '@aia/platform';
import { ZohoWebhookGuard } from '@aia/zoho';
import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/**
 * The three webhook endpoints. The guard verifies the signature and puts the VerifiedWebhook on the
 * request (401 and nothing stored otherwise); the ingest stores it, queues it and answers 200 (also for
 * repeats and unhandled types, so the platform stops retrying: Attio retries any non-2xx for about 3 days,
 * PLATFORMS.md §1), or 503 while the process drains for shutdown. The guards come from the integration
 * modules (global), the ingest from EventsModule: this is the one place that joins them.
 */
@ApiExcludeController()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly ingest: EventIngestService) {}

  @Post('attio')
  @HttpCode(200)
  @UseGuards(AttioWebhookGuard)
  attio(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.ingest.ingestRequest('attio', req);
  }

  @Post('zoho')
  @HttpCode(200)
  @UseGuards(ZohoWebhookGuard)
  zoho(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.ingest.ingestRequest('zoho', req);
  }

  /** Braintree's `check` kind (sent by "check URL" in its control panel) is stored as ignored and answered 200. */
  @Post('braintree')
  @HttpCode(200)
  @UseGuards(BraintreeWebhookGuard)
  braintree(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.ingest.ingestRequest('braintree', req);
  }
}
