import type {
  CanActivate,
  InjectionToken,
  ModuleMetadata,
  OptionalFactoryDependency,
  Type,
} from '@nestjs/common';
import type { Platform } from '@aia/platform';
import type { Registry } from 'prom-client';
import type { AlertTuning } from './alerts/alert.service';
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
  /** Default: metricsRegistry from @aia/platform. */
  metricsRegistry?: Registry;
  /** Redis key prefix (BullMQ queue prefix and inbox keys); default 'aia'. */
  redisPrefix?: string;
}

/** A guard class (resolved through Nest DI) or a ready instance. */
export type WebhookGuardRef = Type<CanActivate> | CanActivate;

export interface EventsModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory?: (...args: never[]) => EventsModuleOptions | Promise<EventsModuleOptions>;
  /** Webhook guards per platform; default: the real ones from @aia/attio, @aia/zoho, @aia/braintree. */
  guards?: Partial<Record<Platform, WebhookGuardRef>>;
}

export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');
export const WEBHOOK_GUARDS = Symbol('WEBHOOK_GUARDS');

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_SWEEP = { intervalMs: 60_000, minAgeMs: 30_000 };
