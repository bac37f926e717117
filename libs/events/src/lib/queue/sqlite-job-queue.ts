import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { SqliteDb, SqliteTransaction } from '../store/sqlite-database';
import { backoffDelay } from '@aia/platform';
import { QueueListeners } from './queue-listeners';
import { classifyJobError, describeError } from './job-errors';
import {
  DEFAULT_QUEUE_TUNING,
  EnqueueOptions,
  EnqueueResult,
  emptyCounts,
  JobHandler,
  JobLifecycleListener,
  QueueFaultListener,
  JobListQuery,
  JobPage,
} from './job-queue';
import type { JobQueue, JobRecord, JobState, QueueTuning } from './job-queue';

interface JobRow {
  seq: number;
  id: string;
  name: string;
  key: string | null;
  data: string;
  state: 'waiting' | 'active' | 'completed' | 'dead' | 'discarded';
  attempts_made: number;
  max_attempts: number;
  created_at: number;
  order_at: number;
  run_at: number;
  lease_until: number | null;
  lease_owner: string | null;
  finished_at: number | null;
  last_error: string | null;
  discard_reason: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  name TEXT NOT NULL,
  key TEXT,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  order_at INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  lease_until INTEGER,
  lease_owner TEXT,
  finished_at INTEGER,
  last_error TEXT,
  discard_reason TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs(queue, state, run_at);
CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs(queue, key, state);
CREATE INDEX IF NOT EXISTS jobs_in_order ON jobs(queue, state, order_at, seq);
`;

/**
 * How long, in milliseconds, readiness (ping) keeps reporting a queue fault after it happened, unless the part
 * that failed (polling, lease renewal, recording a failure, completion, release) has worked again since.
 */
export const QUEUE_FAULT_HOLD_MS = 30_000;

/**
 * The embedded queue: one SQLite table, polled. A claimed job carries a lease that its worker renews
 * while it runs; when a process dies the lease runs out and the job is claimed again (at-least-once).
 * Per key, only the job that became due first may run, and never beside another job of that key.
 */
export class SqliteJobQueue implements JobQueue {
  readonly kind = 'sqlite' as const;
  private readonly logger = new Logger('SqliteJobQueue');
  private readonly listeners = new QueueListeners(this.logger);
  private readonly tuning: QueueTuning;
  private readonly owner = randomUUID();
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly running = new Map<string, Promise<void>>();
  /**
   * Jobs whose handler succeeded, marked completed by the next claim transaction (kicked at once) or by
   * stop(): one commit for the completions and the next claims instead of a commit per completion. Until
   * then the row stays active under its lease; a crash in between runs the job again, which at-least-once
   * delivery allows anyway (the event handlers are idempotent).
   */
  private readonly succeeded: Array<{ id: string; started: number }> = [];
  private timer?: NodeJS.Timeout;
  /** A poll is already scheduled to run at once (kick()). */
  private pollingNow = false;
  private started = false;
  private stopping = false;
  private lastPrune = 0;
  private lastReclaim = 0;
  /** Parts of the queue whose last database write failed (context → when, what), for readiness. */
  private readonly faults = new Map<string, { at: number; error: unknown }>();
  private readonly stmts: ReturnType<typeof prepareStatements>;

  /** Built once (see the constructor): wrapping it per poll cost ~15 µs each time. */
  private readonly claimTx: SqliteTransaction<
    (
      now: number,
      free: number,
      succeeded: Array<{ id: string; started: number }>,
    ) => { rows: JobRow[]; dead: JobRow[]; completed: Array<{ row: JobRow; started: number }> }
  >;

  constructor(
    private readonly db: SqliteDb,
    tuning: Partial<QueueTuning> = {},
    private readonly queueName = 'default',
  ) {
    this.tuning = { ...DEFAULT_QUEUE_TUNING, ...tuning };
    db.exec(SCHEMA);
    this.stmts = prepareStatements(db);
    this.claimTx = db.transaction(
      (now: number, free: number, succeeded: Array<{ id: string; started: number }>) => {
        // First the jobs that finished since the last claim: a job of the same key may be due next.
        const completed = this.completeIn(succeeded, now);
        if (free <= 0 || this.handlers.size === 0) return { rows: [], dead: [], completed };
        // Expired leases are looked for a few times per lease period, not on every claim.
        let dead: JobRow[] = [];
        if (now - this.lastReclaim >= this.tuning.leaseMs / 4) {
          this.lastReclaim = now;
          this.stmts.reclaim.run({ queue: this.queueName, now });
          dead = this.stmts.reclaimDead.all({ queue: this.queueName, now }) as JobRow[];
        }
        const due = this.stmts.due.all({
          queue: this.queueName,
          now,
          names: JSON.stringify([...this.handlers.keys()]),
          limit: free,
        }) as JobRow[];
        const rows = due
          .map((r) =>
            this.stmts.claim.get({ seq: r.seq, owner: this.owner, leaseUntil: now + this.tuning.leaseMs }),
          )
          .filter((r): r is JobRow => r !== undefined);
        return { rows, dead, completed };
      },
    );
    this.completeTx = db.transaction((succeeded: Array<{ id: string; started: number }>) =>
      this.completeIn(succeeded, Date.now()),
    );
  }

  private readonly completeTx: SqliteTransaction<
    (succeeded: Array<{ id: string; started: number }>) => Array<{ row: JobRow; started: number }>
  >;

  /** Marks succeeded jobs completed (inside a transaction); rows this worker no longer owns are skipped. */
  private completeIn(
    succeeded: Array<{ id: string; started: number }>,
    now: number,
  ): Array<{ row: JobRow; started: number }> {
    const out: Array<{ row: JobRow; started: number }> = [];
    for (const { id, started } of succeeded) {
      const row = this.stmts.complete.get({ id, owner: this.owner, now }) as JobRow | undefined;
      if (row) out.push({ row, started });
    }
    return out;
  }

  /** Announces completions once their transaction committed. */
  private emitCompleted(completed: Array<{ row: JobRow; started: number }>, now: number): void {
    for (const { row, started } of completed) {
      this.listeners.emit({ type: 'completed', job: this.toRecord(row, now), durationMs: now - started });
    }
  }

  /** Applies completions still waiting for a claim (stop, close). */
  private flushSucceeded(): void {
    if (!this.succeeded.length || !this.db.open) return;
    const batch = this.succeeded.splice(0);
    try {
      this.emitCompleted(this.completeTx.immediate(batch), Date.now());
      this.recovered('job completion');
    } catch (err) {
      // Stopping must go on (the store still closes); these jobs run again once their leases expire.
      this.fault(err, 'job completion');
    }
  }

  async enqueue<T>(name: string, data: T, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    const id = opts.id ?? randomUUID();
    const now = Date.now();
    const info = this.stmts.insert.run({
      id,
      queue: this.queueName,
      name,
      key: opts.key ?? null,
      data: JSON.stringify(data ?? null),
      maxAttempts: opts.maxAttempts ?? this.tuning.maxAttempts,
      now,
      runAt: now + Math.max(0, opts.delayMs ?? 0),
    });
    if (info.changes > 0) this.kick();
    return { id, enqueued: info.changes > 0 };
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
    this.kick();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.stmts.get.get(id, this.queueName) as JobRow | undefined;
    return row ? this.toRecord(row) : undefined;
  }

  async list(query: JobListQuery = {}): Promise<JobPage> {
    const now = Date.now();
    const where: string[] = ['queue = @queue'];
    const params: Record<string, unknown> = { queue: this.queueName, now };
    if (query.state === 'waiting') where.push(`state = 'waiting' AND run_at <= @now`);
    else if (query.state === 'delayed') where.push(`state = 'waiting' AND run_at > @now`);
    else if (query.state) {
      where.push('state = @state');
      params['state'] = query.state;
    }
    if (query.name) {
      where.push('name = @name');
      params['name'] = query.name;
    }
    const clause = where.join(' AND ');
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE ${clause}`).get(params) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE ${clause} ORDER BY seq LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: query.limit ?? 50, offset: query.offset ?? 0 }) as JobRow[];
    return { items: rows.map((r) => this.toRecord(r, now)), total };
  }

  async counts(): Promise<Record<JobState, number>> {
    const out = emptyCounts();
    for (const row of this.stmts.counts.all({ queue: this.queueName, now: Date.now() }) as Array<{
      s: JobState;
      n: number;
    }>) {
      out[row.s] = row.n;
    }
    return out;
  }

  async retry(id: string): Promise<boolean> {
    const changed = this.stmts.retry.run({ id, queue: this.queueName, now: Date.now() }).changes > 0;
    if (changed) this.kick();
    return changed;
  }

  async discard(id: string, reason: string): Promise<boolean> {
    return this.stmts.discard.run({ id, queue: this.queueName, reason, now: Date.now() }).changes > 0;
  }

  onEvent(listener: JobLifecycleListener): void {
    this.listeners.onEvent(listener);
  }

  onFault(listener: QueueFaultListener): void {
    this.listeners.onFault(listener);
  }

  /** Throws when the database cannot be read, or while a part of the queue keeps failing (readiness). */
  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
    const now = Date.now();
    for (const [context, { at, error }] of this.faults) {
      if (now - at > QUEUE_FAULT_HOLD_MS) this.faults.delete(context);
      else throw new Error(`job queue fault (${context}): ${describeError(error)}`);
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pollingNow = false;
    if (this.running.size === 0) return this.flushSucceeded();
    const all = Promise.allSettled([...this.running.values()]);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((r) => (timeout = setTimeout(r, graceMs)))]);
    if (timeout) clearTimeout(timeout);
    this.flushSucceeded();
    // Whatever still runs goes back to the queue now rather than after its lease: the next process
    // (or this one after restart) runs it again; handlers are idempotent.
    for (const id of this.running.keys()) {
      if (!this.db.open) break;
      try {
        this.stmts.release.run({ id, owner: this.owner, now: Date.now() });
      } catch (err) {
        // Stopping goes on: the job stays active under its lease and runs again once the lease runs out.
        this.fault(err, 'job release');
      }
    }
  }

  async close(): Promise<void> {
    if (!this.stopping) await this.stop(0);
  }

  /** Wakes the poller now (after an enqueue or a finished job) instead of at the next tick. */
  private kick(): void {
    // Under load every enqueue and every finished job kicks; one pending immediate poll serves them all.
    if (this.started && !this.stopping && !this.pollingNow) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.pollingNow = ms === 0;
    // Not unref'd: a started queue keeps a worker-only process alive until stop().
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    this.timer = undefined;
    this.pollingNow = false;
    if (!this.started || this.stopping || !this.db.open) return;
    try {
      this.claimAndRun();
      this.recovered('job queue poll');
    } catch (err) {
      this.fault(err, 'job queue poll');
    }
    if (this.started && !this.stopping && !this.timer) this.schedule(this.tuning.pollIntervalMs);
  }

  private claimAndRun(): void {
    const free = this.tuning.concurrency - this.running.size;
    const now = Date.now();
    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      this.stmts.prune.run({ queue: this.queueName, before: now - this.tuning.retentionMs });
    }
    if ((free <= 0 || this.handlers.size === 0) && !this.succeeded.length) return;
    // IMMEDIATE takes the write lock first, so two processes sharing the file never claim the same job.
    const batch = this.succeeded.splice(0);
    let claimed: ReturnType<typeof this.claimTx>;
    try {
      claimed = this.claimTx.immediate(now, free, batch);
    } catch (err) {
      // Nothing of the transaction was applied: the completions are tried again with the next poll.
      this.succeeded.unshift(...batch);
      throw err;
    }
    if (batch.length) this.recovered('job completion');
    this.emitCompleted(claimed.completed, Date.now());
    for (const row of claimed.dead) {
      this.listeners.emit({
        type: 'dead',
        job: this.toRecord(row),
        durationMs: 0,
        error: new Error(row.last_error ?? ''),
      });
    }
    for (const row of claimed.rows) {
      // run() reports its own database faults; this catch is for anything else (a row it cannot even read).
      const run = this.run(row)
        .catch((err) => this.fault(err, 'job run'))
        .finally(() => {
          this.running.delete(row.id);
          this.kick();
        });
      this.running.set(row.id, run);
    }
  }

  private async run(row: JobRow): Promise<void> {
    const job = this.toRecord(row);
    const handler = this.handlers.get(row.name);
    const started = Date.now();
    const renew = setInterval(() => this.renew(row.id), Math.max(50, Math.floor(this.tuning.leaseMs / 3)));
    renew.unref?.();
    try {
      if (!handler) throw new Error(`no handler for job ${row.name}`);
      await handler(job);
      clearInterval(renew);
      if (!this.db.open) return;
      // Completed by the next claim transaction (kick() in run's caller) or by stop().
      this.succeeded.push({ id: row.id, started });
    } catch (err) {
      clearInterval(renew);
      if (!this.db.open) return;
      this.recordFailure(row, job, err, started);
    }
  }

  /** Extends a running job's lease. A failure is reported, never thrown (this runs in a timer). */
  private renew(id: string): void {
    if (!this.db.open) return;
    try {
      this.stmts.renew.run({ id, owner: this.owner, leaseUntil: Date.now() + this.tuning.leaseMs });
      this.recovered('job lease renewal');
    } catch (err) {
      // If renewals keep failing the lease runs out and the job may run twice: at-least-once, as after a crash.
      this.fault(err, 'job lease renewal');
    }
  }

  /**
   * Records a failed attempt: retry after backoff, or dead letter. If the database refuses the write, the
   * fault is reported and the job stays active under its lease; once that runs out the job is reclaimed and
   * runs again (or goes dead on its last attempt), as after a crash.
   */
  private recordFailure(row: JobRow, job: JobRecord, err: unknown, started: number): void {
    const { permanent, unexpected } = classifyJobError(err);
    const final = permanent || job.attemptsMade >= job.maxAttempts;
    const now = Date.now();
    let after: JobRow | undefined;
    try {
      after = this.stmts.fail.get({
        id: row.id,
        owner: this.owner,
        state: final ? 'dead' : 'waiting',
        runAt: final ? now : now + backoffDelay(job.attemptsMade, this.tuning.backoff),
        finishedAt: final ? now : null,
        error: describeError(err),
      }) as JobRow | undefined;
      this.recovered('job failure');
    } catch (dbErr) {
      this.fault(dbErr, 'job failure');
      return;
    }
    if (after) {
      this.listeners.emit({
        type: final ? 'dead' : 'retrying',
        job: this.toRecord(after),
        durationMs: now - started,
        error: err,
        unexpected,
      });
    }
  }

  /** A database write of one part of the queue failed: remembered for readiness, reported to onFault. */
  private fault(err: unknown, context: string): void {
    this.faults.set(context, { at: Date.now(), error: err });
    this.listeners.fault(err, context);
  }

  /** That part of the queue worked again. */
  private recovered(context: string): void {
    if (this.faults.size) this.faults.delete(context);
  }

  private toRecord(row: JobRow, now = Date.now()): JobRecord {
    const state: JobState = row.state === 'waiting' && row.run_at > now ? 'delayed' : row.state;
    return {
      id: row.id,
      name: row.name,
      key: row.key,
      data: JSON.parse(row.data) as unknown,
      state,
      attemptsMade: row.attempts_made,
      maxAttempts: row.max_attempts,
      createdAt: row.created_at,
      runAt: row.run_at,
      ...(row.finished_at != null ? { finishedAt: row.finished_at } : {}),
      ...(row.last_error != null ? { lastError: row.last_error } : {}),
      ...(row.discard_reason != null ? { discardReason: row.discard_reason } : {}),
    };
  }
}

function prepareStatements(db: SqliteDb) {
  return {
    insert: db.prepare(
      `INSERT INTO jobs (id, queue, name, key, data, state, max_attempts, created_at, order_at, run_at)
       VALUES (@id, @queue, @name, @key, @data, 'waiting', @maxAttempts, @now, @runAt, @runAt)
       ON CONFLICT(id) DO NOTHING`,
    ),
    get: db.prepare(`SELECT * FROM jobs WHERE id = ? AND queue = ?`),
    reclaim: db.prepare(
      `UPDATE jobs SET state = 'waiting', lease_owner = NULL, lease_until = NULL, run_at = @now,
         last_error = COALESCE(last_error, 'lease expired: the worker stopped while running the job')
       WHERE queue = @queue AND state = 'active' AND lease_until < @now AND attempts_made < max_attempts`,
    ),
    reclaimDead: db.prepare(
      `UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_until = NULL, finished_at = @now,
         last_error = 'lease expired on the last attempt: the worker stopped while running the job'
       WHERE queue = @queue AND state = 'active' AND lease_until < @now AND attempts_made >= max_attempts
       RETURNING *`,
    ),
    // A job is due when its run time passed and no job of its key is running or became due before it.
    // A job of the key in retry backoff keeps its place (order_at), so per-key order survives retries.
    due: db.prepare(
      // Walks waiting jobs in order and stops at LIMIT, instead of sorting every waiting job each poll.
      `SELECT j.* FROM jobs j INDEXED BY jobs_in_order
       WHERE j.queue = @queue AND j.state = 'waiting' AND j.run_at <= @now
         AND j.name IN (SELECT value FROM json_each(@names))
         AND (j.key IS NULL OR NOT EXISTS (
           SELECT 1 FROM jobs k
           WHERE k.queue = j.queue AND k.key = j.key AND k.seq <> j.seq
             AND (k.state = 'active'
               OR (k.state = 'waiting' AND k.order_at <= @now
                 AND (k.order_at < j.order_at OR (k.order_at = j.order_at AND k.seq < j.seq))))))
       ORDER BY j.order_at, j.seq
       LIMIT @limit`,
    ),
    claim: db.prepare(
      `UPDATE jobs SET state = 'active', attempts_made = attempts_made + 1, lease_owner = @owner,
         lease_until = @leaseUntil
       WHERE seq = @seq AND state = 'waiting' RETURNING *`,
    ),
    renew: db.prepare(
      `UPDATE jobs SET lease_until = @leaseUntil WHERE id = @id AND state = 'active' AND lease_owner = @owner`,
    ),
    complete: db.prepare(
      `UPDATE jobs SET state = 'completed', finished_at = @now, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND state = 'active' AND lease_owner = @owner RETURNING *`,
    ),
    fail: db.prepare(
      `UPDATE jobs SET state = @state, run_at = @runAt, finished_at = @finishedAt, last_error = @error,
         lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND state = 'active' AND lease_owner = @owner RETURNING *`,
    ),
    release: db.prepare(
      `UPDATE jobs SET state = 'waiting', attempts_made = MAX(0, attempts_made - 1), run_at = @now,
         lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND state = 'active' AND lease_owner = @owner`,
    ),
    retry: db.prepare(
      `UPDATE jobs SET state = 'waiting', attempts_made = 0, run_at = @now, order_at = @now,
         finished_at = NULL, discard_reason = NULL
       WHERE id = @id AND queue = @queue AND state IN ('dead', 'discarded', 'completed')`,
    ),
    discard: db.prepare(
      `UPDATE jobs SET state = 'discarded', discard_reason = @reason, finished_at = @now
       WHERE id = @id AND queue = @queue AND state IN ('waiting', 'dead')`,
    ),
    counts: db.prepare(
      `SELECT CASE WHEN state = 'waiting' AND run_at > @now THEN 'delayed' ELSE state END AS s, COUNT(*) AS n
       FROM jobs WHERE queue = @queue GROUP BY s`,
    ),
    prune: db.prepare(
      `DELETE FROM jobs WHERE queue = @queue AND state IN ('completed', 'discarded') AND finished_at < @before`,
    ),
  };
}
