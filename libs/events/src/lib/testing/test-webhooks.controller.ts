/* The webhook endpoints as apps/api declares them, behind the test guard instead of the platforms' own. */
import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { RequestWithWebhook } from '@aia/platform';
import { EventIngestService } from '../ingest/event-ingest.service';
import type { IngestResult } from '../ingest/event-ingest.service';
import { TestWebhookGuard } from './test-webhook.guard';

/**
 * `POST /webhooks/attio|zoho|braintree` with plain `@UseGuards`, like apps/api's WebhooksController, so the
 * specs of this library exercise ingest over HTTP (Fastify inject) without depending on an integration.
 */
@Controller('webhooks')
export class TestWebhooksController {
  constructor(private readonly ingest: EventIngestService) {}

  @Post('attio')
  @HttpCode(200)
  @UseGuards(new TestWebhookGuard('attio'))
  attio(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.ingest.ingestRequest('attio', req);
  }

  @Post('zoho')
  @HttpCode(200)
  @UseGuards(new TestWebhookGuard('zoho'))
  zoho(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.ingest.ingestRequest('zoho', req);
  }

  @Post('braintree')
  @HttpCode(200)
  @UseGuards(new TestWebhookGuard('braintree'))
  braintree(@Req() req: RequestWithWebhook): Promise<IngestResult> {
    return this.ingest.ingestRequest('braintree', req);
  }
}
