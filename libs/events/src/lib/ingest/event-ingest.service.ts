import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CORRELATION_HEADER,
  DomainError,
  ErrorCode,
  getCorrelationId,
  VERIFIED_WEBHOOK_KEY,
} from '@aia/platform';
import type { Platform, RequestWithWebhook, VerifiedWebhook } from '@aia/platform';
import { EventHandlerRegistry } from '../handlers/event-handler.registry';
import { RedisDurabilityError } from '../inbox/redis-aof-durability';
import { EVENT_JOB, eventJobId, OPEN_EVENT_STATES } from '../inbox/stored-event';
import type { EventJobData, EventState, StoredEvent } from '../inbox/stored-event';
import { EventsMetrics } from '../metrics/events-metrics';
import { describeError } from '../queue/job-errors';
import { EVENTS_STORE } from '../store/events-store';
import type { EventsStore } from '../store/events-store';
import { DrainState } from './drain-state';

export interface IngestResult {
  /** Our inbox id of the event. */
  id: string;
  status: 'accepted' | 'duplicate' | 'ignored';
  state: EventState;
}

/**
 * Persist-then-acknowledge: the event is in the inbox and its job queued before the 200 goes out.
 * The webhook endpoints (apps/api, each behind its platform's guard) call `ingestRequest`; while the
 * process drains for shutdown every delivery is refused with 503, so the platform retries it later.
 */
@Injectable()
export class EventIngestService {
  private readonly logger = new Logger('EventIngest');

  constructor(
    @Inject(EVENTS_STORE) private readonly store: EventsStore,
    private readonly registry: EventHandlerRegistry,
    private readonly drain: DrainState,
    private readonly metrics: EventsMetrics,
  ) {}

  /**
   * Ingests the webhook the platform guard verified and attached to the request (`req.verifiedWebhook`).
   * One that reached here without it, or with another platform's, is a wiring bug: 500, never a 200.
   */
  async ingestRequest(platform: Platform, req: RequestWithWebhook): Promise<IngestResult> {
    const webhook = req[VERIFIED_WEBHOOK_KEY];
    if (!webhook || webhook.platform !== platform) {
      throw new DomainError(ErrorCode.Internal, `The ${platform} webhook guard did not verify the request`);
    }
    return this.ingest(webhook);
  }

  async ingest(webhook: VerifiedWebhook): Promise<IngestResult> {
    if (this.drain.isDraining) {
      this.metrics.webhooks.inc({ platform: webhook.platform, outcome: 'draining' });
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Shutting down; retry shortly');
    }
    const handler = this.registry.get(webhook.platform, webhook.type);
    const { event, created } = await this.store.inbox
      .insert({
        webhook: withCorrelationId(webhook),
        state: handler ? 'pending' : 'ignored',
        key: handler?.key?.(webhook),
      })
      .catch((err: unknown) => {
        // The store could not promise the write survives a crash (Redis without WAITAOF, an AOF fsync that
        // did not come in time): not acknowledged, and 503 so the platform delivers it again later.
        if (err instanceof RedisDurabilityError) {
          this.metrics.webhooks.inc({ platform: webhook.platform, outcome: 'not_durable' });
          throw new DomainError(ErrorCode.ServiceUnavailable, `Event not stored durably: ${err.message}`);
        }
        throw err;
      });
    if (!created) {
      // Already held. If a crash (or a queue outage) came between the insert and the enqueue, this
      // repeat delivery queues it; otherwise the dedupe id makes the enqueue a no-op.
      if (event.state === 'pending') await this.enqueue(event);
      this.metrics.webhooks.inc({ platform: webhook.platform, outcome: 'duplicate' });
      return { id: event.id, status: 'duplicate', state: event.state };
    }
    if (event.state === 'ignored') {
      this.metrics.webhooks.inc({ platform: webhook.platform, outcome: 'ignored' });
      return { id: event.id, status: 'ignored', state: event.state };
    }
    await this.enqueue(event);
    this.metrics.webhooks.inc({ platform: webhook.platform, outcome: 'stored' });
    return { id: event.id, status: 'accepted', state: event.state };
  }

  /** Queues processing of an inbox event; idempotent through the job id. */
  async enqueue(event: Pick<StoredEvent, 'id' | 'key'>): Promise<boolean> {
    const data: EventJobData = { eventId: event.id };
    const { enqueued } = await this.store.queue.enqueue(EVENT_JOB, data, {
      id: eventJobId(event.id),
      key: event.key,
    });
    return enqueued;
  }

  /** Queues every open event older than minAgeMs that has no job (crash between insert and enqueue). */
  async sweep(minAgeMs: number): Promise<number> {
    let queued = 0;
    try {
      const open = await this.store.inbox.idsInStates(OPEN_EVENT_STATES, Date.now() - minAgeMs, 1_000);
      for (const event of open) if (await this.enqueue(event)) queued++;
      if (queued) this.logger.warn(`re-queued ${queued} stored event(s) that had no job`);
    } catch (err) {
      this.logger.error(`sweep failed: ${describeError(err)}`);
    }
    return queued;
  }
}

/**
 * Keeps the correlation id of the delivering request with the event (as the header a caller may have sent),
 * so the worker that processes it logs under the same id, however much later and on whichever instance.
 */
function withCorrelationId(webhook: VerifiedWebhook): VerifiedWebhook {
  const id = getCorrelationId();
  if (!id || webhook.headers[CORRELATION_HEADER]) return webhook;
  return { ...webhook, headers: { ...webhook.headers, [CORRELATION_HEADER]: id } };
}
