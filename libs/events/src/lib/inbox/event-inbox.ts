import type { Platform, VerifiedWebhook } from '@aia/platform';
import type { EventAttempt, EventState, EventSummary, StoredEvent, StoredEventDetail } from './stored-event';

export interface InboxInsert {
  webhook: VerifiedWebhook;
  state: Extract<EventState, 'pending' | 'ignored'>;
  /** Per-key serialisation key of its job (an invoice, a record); defaults to platform:eventId. */
  key?: string;
}

export interface InboxQuery {
  state?: EventState;
  platform?: Platform;
  type?: string;
  /**
   * Search: events whose id, platform event id, type or key contains it, ignoring case (trimmed; blank
   * means no search).
   */
  q?: string;
  limit: number;
  offset: number;
}

export interface InboxStats {
  byState: Record<EventState, number>;
  /** Age of the oldest event still waiting for a first or further attempt; null when none. */
  oldestPendingAgeSeconds: number | null;
  deadLetters: number;
  total: number;
}

/** Events stored per hour (UTC, oldest first, every hour of the window), by their current state. */
export interface InboxHistogram {
  hours: Array<{ hour: string; counts: Record<EventState, number> }>;
}

export const HOUR_MS = 3_600_000;

/** The start (epoch ms) of each of the last `hours` hours, the current one last. */
export function histogramHours(hours: number, now: number): number[] {
  const current = Math.floor(now / HOUR_MS) * HOUR_MS;
  return Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * HOUR_MS);
}

/** The search term as the adapters compare it: trimmed, lower case; undefined when blank. */
export function searchTerm(q: string | undefined): string | undefined {
  const term = q?.trim().toLowerCase();
  return term ? term : undefined;
}

/** Where webhooks are kept: written before the 200, read by workers and the admin API. */
export interface EventInbox {
  /** Stores the event unless (platform, eventId) is already held; then returns the held one. */
  insert(input: InboxInsert): Promise<{ event: StoredEvent; created: boolean }>;
  get(id: string): Promise<StoredEventDetail | undefined>;
  /** The event without its attempt log: what a worker needs (one read less per processed event). */
  getEvent(id: string): Promise<StoredEvent | undefined>;
  list(query: InboxQuery): Promise<{ items: EventSummary[]; total: number }>;
  /** Ids of events in the given states stored before `olderThan` (epoch ms): the re-enqueue sweep. */
  idsInStates(
    states: readonly EventState[],
    olderThan: number,
    limit: number,
  ): Promise<Array<{ id: string; key: string }>>;
  /**
   * Marks the event processing and opens its next attempt; returns that attempt's number. Numbered by the
   * inbox (not the job), so attempts before a manual retry stay in the log.
   */
  startAttempt(id: string): Promise<number>;
  finishAttempt(
    id: string,
    attempt: number,
    outcome: { state: Extract<EventState, 'done' | 'retrying' | 'dead'>; error?: EventAttempt['error'] },
  ): Promise<void>;
  /** Unconditional state change (ignored, dead after a lost lease, pending on manual retry, discarded). */
  setState(id: string, state: EventState, extra?: { error?: string; discardReason?: string }): Promise<void>;
  /**
   * Deletes up to `limit` events in PRUNABLE_EVENT_STATES whose last update is before `olderThan` (epoch
   * ms), with their attempts and dedupe entry; returns how many. Callers loop while it returns `limit`.
   * A pruned (platform, eventId) is no longer a repeat: delivered again, it is stored as a new event.
   */
  pruneTerminal(olderThan: number, limit: number): Promise<number>;
  stats(): Promise<InboxStats>;
  /**
   * Events stored in each of the last `hours` hours (the current, partial one included), counted by their
   * state now. Bounded work: SQLite runs one indexed GROUP BY, Redis one ZCOUNT per state and hour.
   */
  histogram(hours: number, now?: number): Promise<InboxHistogram>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_INBOX = Symbol('EVENT_INBOX');
