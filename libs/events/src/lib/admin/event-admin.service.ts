import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@aia/platform';
import type { InboxHistogram, InboxQuery, InboxStats } from '../inbox/event-inbox';
import { EventState, EventSummary, StoredEventDetail } from '../inbox/stored-event';
import { EventIngestService } from '../ingest/event-ingest.service';
import type { JobState } from '../queue/job-queue';
import { EVENTS_STORE } from '../store/events-store';
import type { EventsStore } from '../store/events-store';

const RETRYABLE: readonly EventState[] = ['dead', 'discarded', 'ignored'];
const DISCARDABLE: readonly EventState[] = ['pending', 'retrying', 'dead'];

export interface EventsStats {
  events: InboxStats;
  jobs: Record<JobState, number>;
  backend: string;
}

/** What operators can see and do with events (the admin API and the ops page use it). */
@Injectable()
export class EventAdminService {
  constructor(
    @Inject(EVENTS_STORE) private readonly store: EventsStore,
    private readonly ingest: EventIngestService,
  ) {}

  list(query: InboxQuery): Promise<{ items: EventSummary[]; total: number }> {
    return this.store.inbox.list(query);
  }

  async get(id: string): Promise<StoredEventDetail> {
    const event = await this.store.inbox.get(id);
    if (!event) throw new DomainError(ErrorCode.NotFound, `No event ${id}`);
    return event;
  }

  /** Dead, discarded or ignored → pending, processed again with fresh attempts. */
  async retry(id: string): Promise<StoredEventDetail> {
    const event = await this.get(id);
    if (!RETRYABLE.includes(event.state)) {
      throw new DomainError(
        ErrorCode.Conflict,
        `Event ${id} is ${event.state}; only ${RETRYABLE.join(', ')} events can be retried`,
      );
    }
    await this.store.inbox.setState(id, 'pending');
    const requeued = await this.store.queue.retry(event.jobId);
    if (!requeued) await this.ingest.enqueue(event);
    return this.get(id);
  }

  async discard(id: string, reason: string): Promise<StoredEventDetail> {
    const event = await this.get(id);
    if (!DISCARDABLE.includes(event.state)) {
      throw new DomainError(
        ErrorCode.Conflict,
        `Event ${id} is ${event.state}; only ${DISCARDABLE.join(', ')} events can be discarded`,
      );
    }
    const job = await this.store.queue.get(event.jobId);
    if (job && job.state !== 'discarded' && !(await this.store.queue.discard(event.jobId, reason))) {
      throw new DomainError(
        ErrorCode.Conflict,
        `Event ${id} is being processed right now; try again shortly`,
      );
    }
    await this.store.inbox.setState(id, 'discarded', { discardReason: reason.trim() });
    return this.get(id);
  }

  /** Events stored per hour over the last `hours` hours, by their current state (the ops page's chart). */
  histogram(hours: number): Promise<InboxHistogram> {
    return this.store.inbox.histogram(hours);
  }

  async stats(): Promise<EventsStats> {
    const [events, jobs] = await Promise.all([this.store.inbox.stats(), this.store.queue.counts()]);
    return { events, jobs, backend: this.store.queue.kind };
  }
}
