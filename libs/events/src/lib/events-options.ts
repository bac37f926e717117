import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { AlertTuning } from './alerts/alert.service';
import type { RedisDurability } from './inbox/redis-aof-durability';
import { DEFAULT_QUEUE_TUNING } from './queue/job-queue';
import type { QueueTuning } from './queue/job-queue';

export interface EventsModuleOptions {
  queue?: Partial<QueueTuning>;
  alerts?: Partial<AlertTuning>;
  /** 'auto' (default): BullMQ + Redis inbox when AppConfig.redisUrl is set, else the embedded SQLite store. */
  backend?: 'auto' | 'sqlite' | 'redis';
  /**
   * Run workers in this process (default true): job processing, and the loops that belong to the processes
   * that process jobs: the re-queue sweep and the retention sweep. false = an ingest-only process (APP_ROLE
   * web, the reconcile CLI): it still stores webhooks and queues their jobs.
   */
  workers?: boolean;
  /** How long shutdown waits for running jobs before handing them back to the queue. */
  shutdownGraceMs?: number;
  /** Re-enqueue sweep of events stored but not queued (a crash between the two writes). */
  sweep?: { intervalMs: number; minAgeMs: number };
  /** Deletion of finished events from the inbox (see EventRetention); false keeps every event forever. */
  retention?: Partial<EventRetention> | false;
  /** Default: metricsRegistry from @aia/platform. */
  metricsRegistry?: Registry;
  /** Redis key prefix (BullMQ queue prefix and inbox keys); default 'aia'. */
  redisPrefix?: string;
  /**
   * Redis backend only (apps/api sets it from REDIS_DURABILITY). 'none' (default, REDIS_DURABILITY=aof): a
   * webhook is acknowledged once Redis has it in memory; what a Redis crash can lose then depends on its
   * persistence (AOF `appendfsync everysec`: up to ~1 s of writes). 'waitaof': acknowledged only after
   * `WAITAOF 1 0` confirms the AOF fsync of the inbox write (Redis >= 7.2 with appendonly on; on any other
   * server every webhook is refused with a clear error and readiness is down). docs/events.md, "Durability".
   */
  redisDurability?: RedisDurability;
}

export interface EventRetention {
  /**
   * done, ignored and discarded events are deleted this long after their last update (dead and open
   * events never are). Also how long a repeat delivery is recognised: after that it is a new event.
   */
  eventsMs: number;
  /** How often the retention sweep runs; it also runs once at start-up. */
  intervalMs: number;
  /** Events deleted per inbox call; the sweep repeats calls until one deletes fewer. */
  batch: number;
}

export interface EventsModuleAsyncOptions {
  /**
   * Serve the pipeline's admin API (default true); a worker-only process (APP_ROLE worker) sets false. Here,
   * not in EventsModuleOptions: the routes are fixed when the module is built, before any factory runs.
   */
  http?: boolean;
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory?: (...args: never[]) => EventsModuleOptions | Promise<EventsModuleOptions>;
}

export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_SWEEP = { intervalMs: 60_000, minAgeMs: 30_000 };
export const DEFAULT_EVENT_RETENTION: EventRetention = {
  eventsMs: 30 * 24 * 3_600_000,
  intervalMs: 3_600_000,
  batch: 500,
};

/**
 * The retention in force, or undefined when disabled. The default keeps events at least as long as the
 * queue keeps finished jobs (queue.retentionMs): the inbox, not the job, is what recognises a repeat
 * delivery, so it must not forget sooner (docs/events.md, Retention).
 */
export function resolveRetention(options: EventsModuleOptions): EventRetention | undefined {
  if (options.retention === false) return undefined;
  const jobsMs = options.queue?.retentionMs ?? DEFAULT_QUEUE_TUNING.retentionMs;
  const set = options.retention ?? {};
  return {
    eventsMs: set.eventsMs ?? Math.max(DEFAULT_EVENT_RETENTION.eventsMs, jobsMs),
    intervalMs: set.intervalMs ?? DEFAULT_EVENT_RETENTION.intervalMs,
    batch: set.batch ?? DEFAULT_EVENT_RETENTION.batch,
  };
}
