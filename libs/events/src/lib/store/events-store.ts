import type { EventInbox } from '../inbox/event-inbox';
import type { JobQueue } from '../queue/job-queue';

/** The inbox and the queue of one backend, opened and closed together. */
export interface EventsStore {
  inbox: EventInbox;
  queue: JobQueue;
  close(): Promise<void>;
}

export const EVENTS_STORE = Symbol('EVENTS_STORE');
