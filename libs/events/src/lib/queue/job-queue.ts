/**
 * The job queue port. Two adapters implement it (SQLite embedded, BullMQ on Redis) and one contract
 * suite (job-queue.contract.ts) holds both to the same behaviour.
 */

/** `delayed` = waiting for its run time (first run, or a retry in backoff). */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'dead' | 'discarded';

export const JOB_STATES: readonly JobState[] = [
  'waiting',
  'delayed',
  'active',
  'completed',
  'dead',
  'discarded',
];

export interface JobRecord<T = unknown> {
  id: string;
  name: string;
  /** Jobs sharing a key run one at a time, in the order they became due. */
  key: string | null;
  data: T;
  state: JobState;
  /** Attempts started so far, including the one running now. */
  attemptsMade: number;
  maxAttempts: number;
  createdAt: number;
  /** When the job may run next (epoch ms). */
  runAt: number;
  finishedAt?: number;
  lastError?: string;
  discardReason?: string;
}

export interface EnqueueOptions {
  /**
   * Dedupe id: while a job with this id exists (pending, running, dead, discarded, or completed within
   * the retention window) enqueueing it again does nothing. Default: a random id (no dedupe).
   */
  id?: string;
  key?: string;
  delayMs?: number;
  maxAttempts?: number;
}

export interface EnqueueResult {
  id: string;
  /** False when a job with the same id already existed and nothing was added. */
  enqueued: boolean;
}

export type JobHandler<T = unknown> = (job: JobRecord<T>) => Promise<void>;

export interface JobLifecycleEvent {
  type: 'completed' | 'retrying' | 'dead';
  job: JobRecord;
  durationMs: number;
  error?: unknown;
  /** True for errors that are neither DomainErrors nor PermanentJobErrors (a bug, not an upstream). */
  unexpected?: boolean;
}

export type JobLifecycleListener = (event: JobLifecycleEvent) => void;

/** A failure of the queue machinery itself (polling, the Redis connection), outside any one job. */
export type QueueFaultListener = (error: unknown, context: string) => void;

export interface JobListQuery {
  state?: JobState;
  name?: string;
  limit?: number;
  offset?: number;
}

export interface JobPage {
  items: JobRecord[];
  total: number;
}

export interface JobQueue {
  readonly kind: 'sqlite' | 'bullmq';
  enqueue<T>(name: string, data: T, opts?: EnqueueOptions): Promise<EnqueueResult>;
  /** Registers the handler of one job name; workers pick such jobs once start() ran. */
  process<T>(name: string, handler: JobHandler<T>): void;
  start(): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  list(query?: JobListQuery): Promise<JobPage>;
  counts(): Promise<Record<JobState, number>>;
  /** Dead, discarded or completed → waiting now, attempts reset. False if the job is not in such a state. */
  retry(id: string): Promise<boolean>;
  /** Waiting, delayed or dead → discarded with a reason. False if the job is running, finished or absent. */
  discard(id: string, reason: string): Promise<boolean>;
  onEvent(listener: JobLifecycleListener): void;
  /** Told of every queue fault, so it can be alerted rather than only logged. */
  onFault(listener: QueueFaultListener): void;
  /** Throws when the store cannot be reached (health checks). */
  ping(): Promise<void>;
  /**
   * Stops taking jobs; waits up to graceMs for running ones, then hands the rest back to the queue
   * (they run again, after restart or on another instance).
   */
  stop(graceMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface QueueTuning {
  /** Jobs run at the same time by this process. */
  concurrency: number;
  maxAttempts: number;
  backoff: { baseMs: number; maxMs: number };
  /** A running job's lease (SQLite) / lock (BullMQ); renewed while it runs, reclaimed after a crash. */
  leaseMs: number;
  /** SQLite: how often idle workers look for due jobs. */
  pollIntervalMs: number;
  /** How long completed and discarded jobs are kept, so their ids still dedupe. */
  retentionMs: number;
  /** BullMQ: how soon a job blocked by an earlier job of its key looks again. */
  keyRecheckMs: number;
}

export const DEFAULT_QUEUE_TUNING: QueueTuning = {
  concurrency: 4,
  maxAttempts: 8,
  backoff: { baseMs: 5_000, maxMs: 30 * 60_000 },
  leaseMs: 30_000,
  pollIntervalMs: 250,
  retentionMs: 7 * 24 * 3_600_000,
  keyRecheckMs: 250,
};

export const JOB_QUEUE = Symbol('JOB_QUEUE');

export function emptyCounts(): Record<JobState, number> {
  return { waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, discarded: 0 };
}
