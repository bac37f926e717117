import type { EventInbox } from '../inbox/event-inbox';
import type { JobQueue } from '../queue/job-queue';
import type { KeyedLock } from '../locks/keyed-lock';
import type { IntentLog } from '../intents/intent-log';

/** The inbox and the queue of one backend, opened and closed together. */
export interface EventsStore {
  inbox: EventInbox;
  queue: JobQueue;
  /** Locks shared by everything that shares this store. */
  locks: KeyedLock;
  /** First-attempt records for sends whose earlier fate must be known. */
  intents: IntentLog;
  close(): Promise<void>;
}

export const EVENTS_STORE = Symbol('EVENTS_STORE');
export const KEYED_LOCK = Symbol('KEYED_LOCK');
