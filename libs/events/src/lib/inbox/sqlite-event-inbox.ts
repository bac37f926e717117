import { randomUUID } from 'node:crypto';
import type { Platform } from '@aia/platform';
import type { SqliteDb, SqliteTransaction } from '../store/sqlite-database';
import { HOUR_MS, histogramHours, searchTerm } from './event-inbox';
import type { EventInbox, InboxHistogram, InboxInsert, InboxQuery, InboxStats } from './event-inbox';
import { defaultEventKey, EVENT_STATES, eventJobId, PRUNABLE_EVENT_STATES } from './stored-event';
import type { EventAttempt, EventState, EventSummary, StoredEvent, StoredEventDetail } from './stored-event';

interface EventRow {
  id: string;
  platform: Platform;
  event_id: string;
  type: string;
  state: EventState;
  received_at: string;
  stored_at: number;
  updated_at: number;
  attempts: number;
  last_error: string | null;
  discard_reason: string | null;
  job_key: string;
  payload?: string;
  raw_body?: string;
  headers?: string;
}

interface AttemptRow {
  attempt: number;
  started_at: number;
  finished_at: number | null;
  outcome: EventAttempt['outcome'];
  error_name: string | null;
  error_message: string | null;
  temporary: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state TEXT NOT NULL,
  received_at TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  discard_reason TEXT,
  job_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  raw_body TEXT NOT NULL,
  headers TEXT NOT NULL,
  UNIQUE (platform, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_state ON events(state, stored_at);
CREATE INDEX IF NOT EXISTS events_by_platform_type ON events(platform, type, stored_at);
CREATE TABLE IF NOT EXISTS event_attempts (
  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT NOT NULL,
  error_name TEXT,
  error_message TEXT,
  temporary INTEGER,
  PRIMARY KEY (event_id, attempt)
);
`;

const SUMMARY_COLUMNS =
  'id, platform, event_id, type, state, received_at, stored_at, updated_at, attempts, last_error, discard_reason, job_key';

const PRUNABLE_STATES_JSON = JSON.stringify(PRUNABLE_EVENT_STATES);
const STATES_JSON = JSON.stringify(EVENT_STATES);

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Group commit window, in milliseconds: an insert that finds no group open opens one and waits this long for
 * others to join; the group then commits in one transaction with one fsync (synchronous=FULL). 0 = only the
 * inserts issued in the same turn of the event loop share a commit. The measurements behind the value are in
 * docs/performance.md (Webhook ingest): a longer window adds its length to every acknowledgement.
 */
export const GROUP_COMMIT_WINDOW_MS = 1;
/** A group this large commits at once, without waiting for the rest of its window. */
export const GROUP_COMMIT_MAX_SIZE = 256;

/** One committed group, as seen by `onGroupCommit`. */
export interface GroupCommit {
  /** Inserts in the group (duplicates included). */
  size: number;
}

export interface SqliteEventInboxOptions {
  /** Default GROUP_COMMIT_WINDOW_MS. */
  groupCommitWindowMs?: number;
  /**
   * Called inside each group's transaction, just before it commits (metrics, tests). A throw fails the whole
   * group: nothing of it is stored and every waiter gets the error.
   */
  onGroupCommit?: (group: GroupCommit) => void;
}

interface InsertParams {
  id: string;
  platform: Platform;
  eventId: string;
  type: string;
  state: EventState;
  receivedAt: string;
  now: number;
  key: string;
  payload: string;
  rawBody: string;
  headers: string;
}

interface Waiter {
  params: InsertParams;
  input: InboxInsert;
  resolve(result: { event: StoredEvent; created: boolean }): void;
  reject(err: unknown): void;
}

/** SQLite's `PRAGMA synchronous` levels. */
const SYNC_FULL = 2;

/**
 * The inbox of one instance: a table in the embedded store, beside the jobs.
 *
 * Durability: a webhook is acknowledged after its inbox row is on stable storage, not only in the OS page
 * cache, so a power cut cannot lose an acknowledged event. Inserts commit with `synchronous=FULL` (WAL
 * fsynced at commit); the rest of the connection's writes keep the level it was opened with (NORMAL: a lost
 * job claim or attempt record only runs a job again). A fsync costs 0.3–1 ms here and blocks the event loop
 * (better-sqlite3 is synchronous), so concurrent inserts are committed together: each waits for its own
 * group's commit and gets its own result (a repeat inside the group is a duplicate of the first); a failed
 * group transaction fails every waiter of that group and stores none of it.
 */
export class SqliteEventInbox implements EventInbox {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly windowMs: number;
  private readonly onGroupCommit?: (group: GroupCommit) => void;
  private group: Waiter[] = [];
  private groupTimer?: NodeJS.Timeout | NodeJS.Immediate;
  /** The connection's own level, restored after each group (FULL or EXTRA already: left alone). */
  private readonly baseSync: number;
  private readonly setSyncFull: string;
  private readonly restoreSync: string;
  private readonly groupTx: SqliteTransaction<(group: Waiter[]) => Array<EventRow | undefined>>;

  // Built once: better-sqlite3 wraps a transaction function anew on every db.transaction() call, which
  // cost ~15 µs per call, i.e. per processed event.
  private readonly startAttemptTx: (id: string, now: number) => number;
  private readonly finishAttemptTx: (
    attempt: Record<string, unknown>,
    state: Record<string, unknown>,
  ) => void;

  constructor(
    private readonly db: SqliteDb,
    options: SqliteEventInboxOptions = {},
  ) {
    db.exec(SCHEMA);
    const stmts = (this.stmts = prepare(db));
    this.windowMs = Math.max(0, options.groupCommitWindowMs ?? GROUP_COMMIT_WINDOW_MS);
    this.onGroupCommit = options.onGroupCommit;
    this.baseSync = db.pragma('synchronous', { simple: true }) as number;
    // Run with exec each time, never as prepared statements: SQLite applies this pragma while compiling it,
    // so a prepared one takes effect when prepared, not when run.
    this.setSyncFull = `PRAGMA synchronous = ${Math.max(SYNC_FULL, this.baseSync)}`;
    this.restoreSync = `PRAGMA synchronous = ${this.baseSync}`;
    // The rows are inserted in arrival order, so of two deliveries of one event in a group the first is
    // stored and the second finds it (same transaction) and is answered as a duplicate.
    this.groupTx = db.transaction((group: Waiter[]) => {
      const rows = group.map((w) => stmts.insert.get(w.params) as EventRow | undefined);
      this.onGroupCommit?.({ size: group.length });
      return rows;
    });
    this.startAttemptTx = db.transaction((id: string, now: number): number => {
      const row = stmts.nextAttempt.get({ id, now }) as { attempts: number } | undefined;
      if (!row) throw new Error(`event ${id} is not in the inbox`);
      stmts.insertAttempt.run({ id, attempt: row.attempts, now });
      return row.attempts;
    });
    this.finishAttemptTx = db.transaction(
      (attempt: Record<string, unknown>, state: Record<string, unknown>) => {
        stmts.finishAttempt.run(attempt);
        stmts.setState.run(state);
      },
    );
  }

  async insert(input: InboxInsert): Promise<{ event: StoredEvent; created: boolean }> {
    const { webhook, state, key } = input;
    // Serialised here, so a payload that cannot be stored fails its own request, not its group.
    const params: InsertParams = {
      id: randomUUID(),
      platform: webhook.platform,
      eventId: webhook.eventId,
      type: webhook.type,
      state,
      receivedAt: webhook.receivedAt,
      now: Date.now(),
      key: key ?? defaultEventKey(webhook),
      payload: JSON.stringify(webhook.payload ?? null),
      rawBody: webhook.rawBody,
      headers: JSON.stringify(webhook.headers ?? {}),
    };
    return new Promise((resolve, reject) => {
      this.group.push({ params, input, resolve, reject });
      if (this.group.length >= GROUP_COMMIT_MAX_SIZE) this.commitGroup();
      else if (!this.groupTimer)
        this.groupTimer =
          this.windowMs > 0
            ? setTimeout(() => this.commitGroup(), this.windowMs)
            : setImmediate(() => this.commitGroup());
    });
  }

  /** Commits the open group in one fsynced transaction, then answers each waiter. */
  private commitGroup(): void {
    const timer = this.groupTimer;
    this.groupTimer = undefined;
    // Each kind with its own clear (the window decides which it is): clearImmediate given a Timeout would
    // corrupt Node's immediate queue.
    if (timer && this.windowMs > 0) clearTimeout(timer as NodeJS.Timeout);
    else if (timer) clearImmediate(timer as NodeJS.Immediate);
    const group = this.group;
    if (!group.length) return;
    this.group = [];
    let rows: Array<EventRow | undefined>;
    try {
      // Outside the transaction: SQLite refuses to change the level inside one.
      this.db.exec(this.setSyncFull);
      try {
        rows = this.groupTx.immediate(group);
      } finally {
        this.db.exec(this.restoreSync);
      }
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    for (let i = 0; i < group.length; i++) {
      const { input, resolve, reject } = group[i];
      const row = rows[i];
      try {
        resolve(row ? this.created(row, input) : this.held(input));
      } catch (err) {
        reject(err);
      }
    }
  }

  /** Built from what we hold rather than re-parsing the stored JSON: this is the webhook hot path. */
  private created(row: EventRow, { webhook }: InboxInsert): { event: StoredEvent; created: boolean } {
    return {
      event: {
        ...toSummary(row),
        payload: webhook.payload ?? null,
        rawBody: webhook.rawBody,
        headers: webhook.headers ?? {},
      },
      created: true,
    };
  }

  private held({ webhook }: InboxInsert): { event: StoredEvent; created: boolean } {
    const held = this.stmts.byPlatformId.get(webhook.platform, webhook.eventId) as EventRow;
    return { event: toEvent(held), created: false };
  }

  async get(id: string): Promise<StoredEventDetail | undefined> {
    const row = this.stmts.get.get(id) as EventRow | undefined;
    if (!row) return undefined;
    const attempts = this.stmts.attempts.all(id) as AttemptRow[];
    return { ...toEvent(row), attemptLog: attempts.map(toAttempt) };
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const row = this.stmts.get.get(id) as EventRow | undefined;
    return row ? toEvent(row) : undefined;
  }

  async list(query: InboxQuery): Promise<{ items: EventSummary[]; total: number }> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit, offset: query.offset };
    for (const field of ['state', 'platform', 'type'] as const) {
      if (query[field] !== undefined) {
        where.push(`${field} = @${field}`);
        params[field] = query[field];
      }
    }
    const q = searchTerm(query.q);
    if (q !== undefined) {
      // instr, not LIKE: the term is matched literally (no % or _ wildcards to escape).
      where.push(
        `(instr(lower(id), @q) > 0 OR instr(lower(event_id), @q) > 0 OR instr(lower(type), @q) > 0 OR instr(lower(job_key), @q) > 0)`,
      );
      params['q'] = q;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM events ${clause}`).get(params) as { n: number })
      .n;
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM events ${clause} ORDER BY stored_at DESC, id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as EventRow[];
    return { items: rows.map(toSummary), total };
  }

  async idsInStates(
    states: readonly EventState[],
    olderThan: number,
    limit: number,
  ): Promise<Array<{ id: string; key: string }>> {
    const rows = this.stmts.idsInStates.all({ states: JSON.stringify(states), olderThan, limit }) as Array<{
      id: string;
      job_key: string;
    }>;
    return rows.map((r) => ({ id: r.id, key: r.job_key }));
  }

  async startAttempt(id: string): Promise<number> {
    return this.startAttemptTx(id, Date.now());
  }

  async finishAttempt(
    id: string,
    attempt: number,
    outcome: { state: Extract<EventState, 'done' | 'retrying' | 'dead'>; error?: EventAttempt['error'] },
  ): Promise<void> {
    const now = Date.now();
    const error = outcome.error;
    this.finishAttemptTx(
      {
        id,
        attempt,
        now,
        outcome: error ? 'failed' : 'succeeded',
        errorName: error?.name ?? null,
        errorMessage: error?.message ?? null,
        temporary: error ? Number(error.temporary) : null,
      },
      {
        id,
        state: outcome.state,
        now,
        error: error ? `${error.name}: ${error.message}` : null,
        keepError: error ? 0 : 1,
        discardReason: null,
      },
    );
  }

  async setState(
    id: string,
    state: EventState,
    extra: { error?: string; discardReason?: string } = {},
  ): Promise<void> {
    this.stmts.setState.run({
      id,
      state,
      now: Date.now(),
      error: extra.error ?? null,
      keepError: extra.error ? 0 : 1,
      discardReason: extra.discardReason ?? null,
    });
  }

  async pruneTerminal(olderThan: number, limit: number): Promise<number> {
    // IMMEDIATE: takes the write lock before reading, so another process sharing the file cannot move an
    // event out of a finished state between the pick and the delete.
    return this.db
      .transaction(() => {
        const ids = (
          this.stmts.prunable.all({ states: PRUNABLE_STATES_JSON, olderThan, limit }) as Array<{ id: string }>
        ).map((r) => r.id);
        if (!ids.length) return 0;
        const list = JSON.stringify(ids);
        // Explicit rather than ON DELETE CASCADE: that only works while foreign_keys is on.
        this.stmts.deleteAttempts.run({ ids: list });
        return this.stmts.deleteEvents.run({ ids: list }).changes;
      })
      .immediate();
  }

  async stats(): Promise<InboxStats> {
    const byState = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<EventState, number>;
    let total = 0;
    for (const r of this.stmts.countByState.all() as Array<{ state: EventState; n: number }>) {
      byState[r.state] = r.n;
      total += r.n;
    }
    const oldest = (this.stmts.oldestOpen.get() as { t: number | null }).t;
    return {
      byState,
      oldestPendingAgeSeconds: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
      deadLetters: byState.dead,
      total,
    };
  }

  async histogram(hours: number, now = Date.now()): Promise<InboxHistogram> {
    const starts = histogramHours(hours, now);
    const index = new Map(starts.map((h, i) => [h, i]));
    const buckets = starts.map(
      () => Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<EventState, number>,
    );
    const rows = this.stmts.histogram.all({
      states: STATES_JSON,
      since: starts[0],
    }) as Array<{
      h: number;
      state: EventState;
      n: number;
    }>;
    for (const r of rows) {
      const i = index.get(r.h * HOUR_MS);
      if (i !== undefined && r.state in buckets[i]) buckets[i][r.state] = r.n;
    }
    return { hours: starts.map((h, i) => ({ hour: iso(h), counts: buckets[i] })) };
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /** Commits the inserts still waiting for their group. The connection belongs to whoever opened it. */
  async close(): Promise<void> {
    if (this.db.open) this.commitGroup();
  }
}

function prepare(db: SqliteDb) {
  return {
    insert: db.prepare(
      `INSERT INTO events (id, platform, event_id, type, state, received_at, stored_at, updated_at, job_key, payload, raw_body, headers)
       VALUES (@id, @platform, @eventId, @type, @state, @receivedAt, @now, @now, @key, @payload, @rawBody, @headers)
       ON CONFLICT (platform, event_id) DO NOTHING RETURNING ${SUMMARY_COLUMNS}`,
    ),
    byPlatformId: db.prepare(`SELECT * FROM events WHERE platform = ? AND event_id = ?`),
    get: db.prepare(`SELECT * FROM events WHERE id = ?`),
    attempts: db.prepare(`SELECT * FROM event_attempts WHERE event_id = ? ORDER BY attempt`),
    idsInStates: db.prepare(
      `SELECT id, job_key FROM events WHERE state IN (SELECT value FROM json_each(@states)) AND stored_at < @olderThan
       ORDER BY stored_at LIMIT @limit`,
    ),
    nextAttempt: db.prepare(
      `UPDATE events SET state = 'processing', attempts = attempts + 1, updated_at = @now WHERE id = @id RETURNING attempts`,
    ),
    insertAttempt: db.prepare(
      `INSERT INTO event_attempts (event_id, attempt, started_at, outcome) VALUES (@id, @attempt, @now, 'running')
       ON CONFLICT (event_id, attempt) DO UPDATE SET started_at = @now, finished_at = NULL, outcome = 'running',
         error_name = NULL, error_message = NULL, temporary = NULL`,
    ),
    finishAttempt: db.prepare(
      `UPDATE event_attempts SET finished_at = @now, outcome = @outcome, error_name = @errorName,
         error_message = @errorMessage, temporary = @temporary
       WHERE event_id = @id AND attempt = @attempt`,
    ),
    setState: db.prepare(
      `UPDATE events SET state = @state, updated_at = @now,
         last_error = CASE WHEN @keepError = 1 THEN last_error ELSE @error END,
         discard_reason = @discardReason
       WHERE id = @id`,
    ),
    // updated_at >= stored_at, so the stored_at bound lets events_by_state narrow the scan to old rows.
    // No ORDER BY: across several states it would sort the whole backlog before the LIMIT.
    prunable: db.prepare(
      `SELECT id FROM events WHERE state IN (SELECT value FROM json_each(@states))
         AND stored_at < @olderThan AND updated_at < @olderThan LIMIT @limit`,
    ),
    deleteAttempts: db.prepare(
      `DELETE FROM event_attempts WHERE event_id IN (SELECT value FROM json_each(@ids))`,
    ),
    deleteEvents: db.prepare(`DELETE FROM events WHERE id IN (SELECT value FROM json_each(@ids))`),
    countByState: db.prepare(`SELECT state, COUNT(*) AS n FROM events GROUP BY state`),
    // The IN list over every state lets events_by_state (state, stored_at) serve the range: one index range
    // per state, no table scan and no extra index on the insert path.
    histogram: db.prepare(
      `SELECT stored_at / ${HOUR_MS} AS h, state, COUNT(*) AS n FROM events
       WHERE state IN (SELECT value FROM json_each(@states)) AND stored_at >= @since
       GROUP BY h, state`,
    ),
    oldestOpen: db.prepare(
      `SELECT MIN(stored_at) AS t FROM events WHERE state IN ('pending', 'processing', 'retrying')`,
    ),
  };
}

function toSummary(row: EventRow): EventSummary {
  return {
    id: row.id,
    platform: row.platform,
    eventId: row.event_id,
    type: row.type,
    state: row.state,
    receivedAt: row.received_at,
    storedAt: iso(row.stored_at),
    updatedAt: iso(row.updated_at),
    attempts: row.attempts,
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.discard_reason ? { discardReason: row.discard_reason } : {}),
    jobId: eventJobId(row.id),
    key: row.job_key,
  };
}

function toEvent(row: EventRow): StoredEvent {
  return {
    ...toSummary(row),
    payload: JSON.parse(row.payload ?? 'null') as unknown,
    rawBody: row.raw_body ?? '',
    headers: JSON.parse(row.headers ?? '{}') as Record<string, string>,
  };
}

function toAttempt(row: AttemptRow): EventAttempt {
  return {
    attempt: row.attempt,
    startedAt: iso(row.started_at),
    ...(row.finished_at !== null ? { finishedAt: iso(row.finished_at) } : {}),
    outcome: row.outcome,
    ...(row.error_name !== null
      ? { error: { name: row.error_name, message: row.error_message ?? '', temporary: row.temporary === 1 } }
      : {}),
  };
}
