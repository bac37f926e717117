import { Logger } from '@nestjs/common';
import type { Platform } from '../errors/upstream-error';

/** One log line per upstream attempt. Never bodies, never secrets. */
export interface UpstreamAttemptLog {
  platform: Platform;
  operation: string;
  /** 1-based attempt number. */
  attempt: number;
  /** `ok` or the UpstreamErrorKind (or `error` for an unclassified exception). */
  outcome: string;
  /** HTTP status when the platform answered with an error status (unknown on success). */
  status?: number;
  /** Platform or network error code (e.g. ECONNREFUSED, ETIMEDOUT, rate_limit_exceeded). */
  code?: string | number;
  durationMs: number;
  correlationId?: string;
  /** Set when the policy will retry: how long it waits first. */
  retryInMs?: number;
}

/** Minimal logger shape; a pino logger, PinoLogger or the default Nest-backed logger all fit. */
export interface UpstreamLogger {
  info(entry: UpstreamAttemptLog, message?: string): void;
  warn(entry: UpstreamAttemptLog, message?: string): void;
}

/** Default: Nest's Logger (routed to pino when the app uses nestjs-pino). */
export function nestUpstreamLogger(context = 'Upstream'): UpstreamLogger {
  const logger = new Logger(context);
  return {
    info: (entry, message) => logger.log({ ...entry, msg: message ?? 'upstream attempt' }),
    warn: (entry, message) => logger.warn({ ...entry, msg: message ?? 'upstream attempt failed' }),
  };
}
