import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import { backoffDelay } from '@aia/platform';
import { QueueListeners } from './queue-listeners';
import type { RedisConnection } from './redis-connection';
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

/** What is stored as BullMQ job data: the caller's data plus our key bookkeeping. */
interface Envelope {
  d: unknown;
  k: string | null;
  /** The caller's id (BullMQ ids may not contain ':'). */
  id: string;
}

interface DiscardedRecord {
  record: JobRecord;
  envelope: Envelope;
  attempts: number;
}

const BULL_TO_STATE: Record<string, JobState> = {
  waiting: 'waiting',
  wait: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'dead',
};

const STATE_TO_BULL: Partial<
  Record<JobState, Array<'wait' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed'>>
> = {
  waiting: ['wait', 'prioritized'],
  delayed: ['delayed'],
  active: ['active'],
  completed: ['completed'],
  dead: ['failed'],
};

/** BullMQ ids: no ':' allowed (except its own repeat format), and not an integer. */
export function toBullId(id: string): string {
  return `j-${id.replace(/:/g, '~')}`;
}

/**
 * The shared queue for several instances: BullMQ on Redis.
 * - dedupe: our id becomes the BullMQ job id; completed jobs are kept for retentionMs so ids keep deduping.
 * - per-key order and exclusivity: OSS BullMQ has no groups, so each key has a sorted set of its jobs by
 *   the time they became due; only the first due member may run, others are pushed back by keyRecheckMs.
 * - crashes: a killed worker's lock expires (leaseMs) and the stalled check puts the job back in wait.
 * - discard: BullMQ has no such state; the job is removed and kept in a `discarded` hash with its reason.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly logger = new Logger('BullMqJobQueue');
  private readonly listeners = new QueueListeners(this.logger);
  private readonly tuning: QueueTuning;
  // Protected, not private: the Redis suite's crash seam (a subclass) stops them the way a killed process does.
  protected readonly queue: Queue;
  protected readonly redis: Redis;
  protected worker?: Worker;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly ns: string;
  protected closed = false;
  /** Errors run() already announced (retrying or dead); BullMQ's 'failed' event must not repeat them. */
  private readonly reported = new WeakSet<Error>();

  constructor(
    private readonly connection: RedisConnection,
    tuning: Partial<QueueTuning> = {},
    private readonly queueName = 'default',
    private readonly prefix = 'aia',
  ) {
    this.tuning = { ...DEFAULT_QUEUE_TUNING, ...tuning };
    this.queue = new Queue(queueName, { connection: { ...connection }, prefix });
    this.queue.on('error', (err) => this.listeners.fault(err, 'job queue connection'));
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 2, connectTimeout: 3_000 });
    this.redis.on('error', () => undefined); // surfaced by the failing command instead
    this.ns = `${prefix}:${queueName}:x`;
  }

  async enqueue<T>(name: string, data: T, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    const id = opts.id ?? randomUUID();
    const bullId = toBullId(id);
    // BullMQ ignores an add whose id exists but does not say so; ask first. Concurrent adds of one id
    // still make one job (BullMQ), only the `enqueued` flag of the loser may be wrong.
    if ((await this.queue.getJob(bullId)) || (await this.redis.hexists(this.k('discarded'), id))) {
      return { id, enqueued: false };
    }
    const delay = Math.max(0, opts.delayMs ?? 0);
    const key = opts.key ?? null;
    if (key) {
      const seq = await this.redis.incr(this.k('seq'));
      await this.redis.zadd(this.k(`key:${key}`), 'NX', String(this.score(Date.now() + delay, seq)), id);
    }
    const envelope: Envelope = { d: data ?? null, k: key, id };
    await this.queue.add(name, envelope, {
      jobId: bullId,
      delay,
      attempts: opts.maxAttempts ?? this.tuning.maxAttempts,
      backoff: { type: 'aia' },
      removeOnComplete: { age: Math.ceil(this.tuning.retentionMs / 1000) },
      removeOnFail: false,
    });
    return { id, enqueued: true };
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.worker = new Worker(this.queueName, (job, token) => this.run(job, token), {
      connection: { ...this.connection, maxRetriesPerRequest: null },
      prefix: this.prefix,
      concurrency: this.tuning.concurrency,
      lockDuration: this.tuning.leaseMs,
      stalledInterval: Math.max(100, Math.floor(this.tuning.leaseMs / 2)),
      // A stalled job (its worker died) goes back to wait. BullMQ counts stalls over the job's whole life,
      // so a limit of 1 dead-lettered a job that merely lived through two crashes (the chaos suite): allow as
      // many stalls as attempts, and the attempt count still bounds a job that kills its worker every time.
      maxStalledCount: this.tuning.maxAttempts,
      settings: {
        backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, this.tuning.backoff),
      },
    });
    this.worker.on('error', (err) => this.listeners.fault(err, 'job queue worker'));
    // Failures BullMQ decides on its own (a job stalled past maxStalledCount, a lost lock) never went
    // through run(): announce them as dead letters too, or the inbox would show them running forever.
    this.worker.on('failed', (job, err) => {
      if (!job || this.reported.has(err)) return;
      void job.getState().then((state) => {
        if (state !== 'failed') return;
        const record: JobRecord = { ...this.toRecord(job, 'failed'), lastError: describeError(err) };
        this.listeners.emit({ type: 'dead', job: record, durationMs: 0, error: err });
      });
    });
    await this.worker.waitUntilReady();
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = await this.queue.getJob(toBullId(id));
    if (job) return this.toRecord(job, await job.getState());
    const discarded = await this.redis.hget(this.k('discarded'), id);
    return discarded ? (JSON.parse(discarded) as DiscardedRecord).record : undefined;
  }

  async list(query: JobListQuery = {}): Promise<JobPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    let records: JobRecord[];
    if (query.state === 'discarded') {
      records = (await this.redis.hvals(this.k('discarded')))
        .map((v) => (JSON.parse(v) as DiscardedRecord).record)
        .sort((a, b) => a.createdAt - b.createdAt);
    } else {
      const types = query.state
        ? (STATE_TO_BULL[query.state] ?? [])
        : (['wait', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const);
      records = [];
      for (const t of types) {
        for (const job of (await this.queue.getJobs(t, 0, -1, true)) as Job[])
          records.push(this.toRecord(job, t));
      }
      records.sort((a, b) => a.createdAt - b.createdAt);
    }
    if (query.name) records = records.filter((r) => r.name === query.name);
    return { items: records.slice(offset, offset + limit), total: records.length };
  }

  async counts(): Promise<Record<JobState, number>> {
    const raw = await this.queue.getJobCounts(
      'wait',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    const out = emptyCounts();
    out.waiting = (raw['wait'] ?? 0) + (raw['prioritized'] ?? 0);
    out.delayed = raw['delayed'] ?? 0;
    out.active = raw['active'] ?? 0;
    out.completed = raw['completed'] ?? 0;
    out.dead = raw['failed'] ?? 0;
    out.discarded = await this.redis.hlen(this.k('discarded'));
    return out;
  }

  async retry(id: string): Promise<boolean> {
    const job = await this.queue.getJob(toBullId(id));
    if (job) {
      const state = await job.getState();
      if (state !== 'failed' && state !== 'completed') return false;
      await this.rejoinKey(job.data as Envelope);
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    }
    const raw = await this.redis.hget(this.k('discarded'), id);
    if (!raw) return false;
    const { record, envelope, attempts } = JSON.parse(raw) as DiscardedRecord;
    await this.redis.hdel(this.k('discarded'), id);
    await this.rejoinKey(envelope);
    await this.queue.add(record.name, envelope, {
      jobId: toBullId(id),
      attempts,
      backoff: { type: 'aia' },
      removeOnComplete: { age: Math.ceil(this.tuning.retentionMs / 1000) },
      removeOnFail: false,
    });
    return true;
  }

  async discard(id: string, reason: string): Promise<boolean> {
    const job = await this.queue.getJob(toBullId(id));
    if (!job) return false;
    const state = await job.getState();
    if (!['wait', 'waiting', 'prioritized', 'delayed', 'failed'].includes(state)) return false;
    const record: JobRecord = {
      ...this.toRecord(job, state),
      state: 'discarded',
      discardReason: reason,
      finishedAt: Date.now(),
    };
    const envelope = job.data as Envelope;
    try {
      await job.remove();
    } catch {
      return false; // picked by a worker in the meantime
    }
    const stored: DiscardedRecord = {
      record,
      envelope,
      attempts: job.opts.attempts ?? this.tuning.maxAttempts,
    };
    await this.redis.hset(this.k('discarded'), id, JSON.stringify(stored));
    if (envelope.k) await this.redis.zrem(this.k(`key:${envelope.k}`), id);
    return true;
  }

  onEvent(listener: JobLifecycleListener): void {
    this.listeners.onEvent(listener);
  }

  onFault(listener: QueueFaultListener): void {
    this.listeners.onFault(listener);
  }

  async ping(): Promise<void> {
    const pong = await Promise.race([
      this.redis.ping(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('Redis did not answer within 2 s')), 2_000).unref(),
      ),
    ]);
    if (pong !== 'PONG') throw new Error(`unexpected Redis answer ${pong}`);
  }

  async stop(graceMs = 10_000): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    // close() waits for running jobs; past the grace period force it: their locks lapse and the stalled
    // check of another (or the next) worker hands them out again.
    let timeout: NodeJS.Timeout | undefined;
    const graceful = worker.close();
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((r) => (timeout = setTimeout(() => r(true), graceMs))),
    ]);
    if (timeout) clearTimeout(timeout);
    if (timedOut) await worker.close(true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stop(0);
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }

  private async run(job: Job, token?: string): Promise<void> {
    const envelope = job.data as Envelope;
    if (envelope.k && !(await this.isHeadOfKey(envelope.k, envelope.id))) {
      // Not its turn: an earlier job of the key runs or waits for a retry. Look again shortly.
      await job.moveToDelayed(Date.now() + this.tuning.keyRecheckMs, token);
      throw new DelayedError();
    }
    const record = this.toRecord(job, 'active');
    record.attemptsMade = job.attemptsMade + 1;
    const handler = this.handlers.get(job.name);
    const started = Date.now();
    try {
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(record);
    } catch (err) {
      const { permanent, unexpected } = classifyJobError(err);
      const final = permanent || record.attemptsMade >= record.maxAttempts;
      const error = describeError(err);
      if (final && envelope.k) await this.redis.zrem(this.k(`key:${envelope.k}`), envelope.id);
      const after: JobRecord = final
        ? { ...record, state: 'dead', lastError: error, finishedAt: Date.now() }
        : { ...record, state: 'delayed', lastError: error };
      this.listeners.emit({
        type: final ? 'dead' : 'retrying',
        job: after,
        durationMs: Date.now() - started,
        error: err,
        unexpected,
      });
      const rethrown = permanent
        ? new UnrecoverableError(error)
        : err instanceof Error
          ? err
          : new Error(error);
      this.reported.add(rethrown);
      throw rethrown;
    }
    if (envelope.k) await this.redis.zrem(this.k(`key:${envelope.k}`), envelope.id);
    this.listeners.emit({
      type: 'completed',
      job: { ...record, state: 'completed', finishedAt: Date.now() },
      durationMs: Date.now() - started,
    });
  }

  /** True when `id` is the first due job of its key; drops members whose job no longer waits. */
  private async isHeadOfKey(key: string, id: string): Promise<boolean> {
    const zkey = this.k(`key:${key}`);
    for (let i = 0; i < 5; i++) {
      const [head] = await this.redis.zrangebyscore(
        zkey,
        '-inf',
        String(this.score(Date.now(), 999)),
        'LIMIT',
        0,
        1,
      );
      if (head === undefined || head === id) {
        // Not in the set (retried by hand, or set lost): join at the end and run if alone.
        if (head === undefined) {
          await this.redis.zadd(zkey, 'NX', String(this.score(Date.now(), 0)), id);
          const [again] = await this.redis.zrangebyscore(zkey, '-inf', '+inf', 'LIMIT', 0, 1);
          return again === id;
        }
        return true;
      }
      const headJob = await this.queue.getJob(toBullId(head));
      const headState = headJob ? await headJob.getState() : 'unknown';
      if (headState === 'completed' || headState === 'failed' || headState === 'unknown') {
        await this.redis.zrem(zkey, head); // a stale member must not block its key forever
        continue;
      }
      return false;
    }
    return false;
  }

  private async rejoinKey(envelope: Envelope): Promise<void> {
    if (!envelope.k) return;
    const seq = await this.redis.incr(this.k('seq'));
    await this.redis.zadd(this.k(`key:${envelope.k}`), String(this.score(Date.now(), seq)), envelope.id);
  }

  /** Order within a key: ms when due, then enqueue sequence (kept below 1000 per ms). */
  private score(dueMs: number, seq: number): number {
    return dueMs * 1000 + (seq % 1000);
  }

  private k(suffix: string): string {
    return `${this.ns}:${suffix}`;
  }

  private toRecord(job: Job, bullState: string): JobRecord {
    const envelope = job.data as Envelope;
    return {
      id: envelope.id,
      name: job.name,
      key: envelope.k,
      data: envelope.d,
      state: BULL_TO_STATE[bullState] ?? 'waiting',
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? this.tuning.maxAttempts,
      createdAt: job.timestamp,
      runAt: job.timestamp + (job.delay ?? 0),
      ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
      ...(job.failedReason ? { lastError: job.failedReason } : {}),
    };
  }
}
