import type { Platform } from '@aia/platform';

/**
 * - pending: stored, its job queued; retrying: an attempt failed, another is scheduled
 * - processing: a worker runs its handler now
 * - done / ignored (no handler for its type) / dead (attempts exhausted or permanent error) /
 *   discarded (an operator gave up on it, with a reason)
 */
export type EventState = 'pending' | 'processing' | 'retrying' | 'done' | 'ignored' | 'dead' | 'discarded';

export const EVENT_STATES: readonly EventState[] = [
  'pending',
  'processing',
  'retrying',
  'done',
  'ignored',
  'dead',
  'discarded',
];

/** States in which an event will be processed (again) without anybody's help. */
export const OPEN_EVENT_STATES: readonly EventState[] = ['pending', 'processing', 'retrying'];

/**
 * Finished states nobody needs to act on: the only ones retention deletes. `dead` stays until an
 * operator retries or discards it (it is an open alert), open states until they finish.
 */
export const PRUNABLE_EVENT_STATES: readonly EventState[] = ['done', 'ignored', 'discarded'];

export interface EventAttempt {
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  outcome: 'running' | 'succeeded' | 'failed';
  error?: { name: string; message: string; temporary: boolean };
}

export interface EventSummary {
  /** Our id (uuid), used by the admin API. */
  id: string;
  platform: Platform;
  /** The platform's own id (dedupe key). */
  eventId: string;
  type: string;
  state: EventState;
  receivedAt: string;
  storedAt: string;
  updatedAt: string;
  attempts: number;
  lastError?: string;
  discardReason?: string;
  /** The queue job that processes it (`event:<id>`). */
  jobId: string;
  key: string;
}

export interface StoredEvent extends EventSummary {
  payload: unknown;
  rawBody: string;
  headers: Record<string, string>;
}

export interface StoredEventDetail extends StoredEvent {
  attemptLog: EventAttempt[];
}

/**
 * The ordering key of an event's job when its handler names none: the event itself, so unrelated events
 * never wait for each other. Both inbox adapters store it (the admin API and the queue read it back).
 */
export function defaultEventKey(event: { platform: Platform; eventId: string }): string {
  return `${event.platform}:${event.eventId}`;
}

/**
 * The queue job that processes an inbox event: its name, its data and its id (the id makes enqueueing
 * idempotent). Kept here, below ingest and processing, so both read it without importing each other.
 */
export const EVENT_JOB = 'event.process';

export interface EventJobData {
  eventId: string;
}

export function eventJobId(id: string): string {
  return `event:${id}`;
}
