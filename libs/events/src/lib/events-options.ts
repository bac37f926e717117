import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { AlertTuning } from './alerts/alert.service';
import { DEFAULT_QUEUE_TUNING } from './queue/job-queue';
import type { QueueTuning } from './queue/job-queue';

export interface EventsModuleOptions {
  queue?: Partial<QueueTuning>;
  alerts?: Partial<AlertTuning>;
  /** 'auto' (default): BullMQ + Redis inbox when AppConfig.redisUrl is set, else the embedded SQLite store. */
  backend?: 'auto' | 'sqlite' | 'redis';
  /** Run workers in this process (default true); an ingest-only instance sets false. */
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
