import { UpstreamError, type Platform } from '../errors/upstream-error';
import { getCorrelationId } from '../logging/correlation';
import { UpstreamMetrics } from '../metrics/metrics';
import { backoffDelayMs } from './backoff';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { RateLimiter, reserveStart } from './rate-limiter';
import {
  CIRCUIT_OPEN_CODE,
  surelyNotProcessed,
  TIMEOUT_CODE,
  toUpstreamError,
} from './upstream-error-mapping';
import { nestUpstreamLogger, type UpstreamAttemptLog, type UpstreamLogger } from './upstream-logger';
import type { UpstreamPolicyConfig } from './upstream-policy.config';

/** How a write may be repeated after a temporary failure. */
export type RepeatStrategy<T> =
  /** Sending it twice is harmless (PUT/PATCH of the same values). */
  | { kind: 'idempotent' }
  /**
   * After an ambiguous failure (timeout, 5xx, connection reset — it may have been processed) `find()` is
   * called first; a value means the write happened and is returned, undefined means re-send.
   */
  | { kind: 'check'; find: () => Promise<T | undefined> }
  /** Re-sent only when the platform surely did not process it (429, connection refused). */
  | { kind: 'never' };

export interface UpstreamPolicyDeps {
  metrics?: UpstreamMetrics;
  logger?: UpstreamLogger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  random?: () => number;
  /** Alert hook: called each time the breaker opens (e.g. to send an ops alert). Errors are swallowed. */
  onBreakerOpen?: (platform: Platform) => void;
}

type CallKind = 'read' | 'write';

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let defaultMetrics: UpstreamMetrics | undefined;
/** Process-wide metrics on the shared registry, for policies built without explicit metrics. */
function processMetrics(): UpstreamMetrics {
  defaultMetrics ??= new UpstreamMetrics();
  return defaultMetrics;
}

/**
 * One per platform: per-attempt timeout, retries with backoff + full jitter on temporary errors only,
 * exact Retry-After, consecutive-failure circuit breaker, and a delaying client-side rate limiter.
 * `fn` performs ONE attempt with the given AbortSignal and throws UpstreamError (classified by the
 * platform client) or a raw network error, which the policy converts to `unavailable`.
 */
export class UpstreamPolicy {
  readonly platform: Platform;
  private readonly metrics: UpstreamMetrics;
  private readonly logger: UpstreamLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly breaker: CircuitBreaker;
  private readonly limiters: Record<CallKind, RateLimiter[]>;
  private readonly breakerOpenListeners: Array<(platform: Platform) => void> = [];

  constructor(
    private readonly config: UpstreamPolicyConfig,
    private readonly deps: UpstreamPolicyDeps = {},
  ) {
    this.platform = config.platform;
    this.metrics = deps.metrics ?? processMetrics();
    this.logger = deps.logger ?? nestUpstreamLogger(`Upstream:${config.platform}`);
    this.sleep = deps.sleep ?? realSleep;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.breaker = new CircuitBreaker({
      ...config.breaker,
      now: this.now,
      onStateChange: (state) => this.onBreakerChange(state),
    });
    const shared = config.rateLimits.shared ? [new RateLimiter(config.rateLimits.shared)] : [];
    this.limiters = {
      read: [new RateLimiter(config.rateLimits.read), ...shared],
      write: [new RateLimiter(config.rateLimits.write), ...shared],
    };
    this.metrics.trackBreaker(this.platform, () => this.breaker.state);
  }

  /** Adds a listener for the breaker opening (alerting subscribes through PolicyRegistry). */
  onBreakerOpen(listener: (platform: Platform) => void): void {
    this.breakerOpenListeners.push(listener);
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  read<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.execute('read', operation, fn, { kind: 'idempotent' });
  }

  write<T>(
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    repeat: RepeatStrategy<T>,
  ): Promise<T> {
    return this.execute('write', operation, fn, repeat);
  }

  private async execute<T>(
    kind: CallKind,
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    repeat: RepeatStrategy<T>,
  ): Promise<T> {
    const { maxAttempts } = this.config;
    // Set after an ambiguous failure of a `check` write: ask the platform before re-sending.
    let mustCheck = false;
    for (let attempt = 1; ; attempt++) {
      if (mustCheck && repeat.kind === 'check') {
        const checked = await this.runCheck(operation, repeat.find, attempt);
        if (checked.found) return checked.value as T;
        if (checked.retryInMs !== undefined) {
          await this.sleep(checked.retryInMs);
          continue;
        }
        mustCheck = false;
      }

      if (this.breaker.wouldReject()) throw this.circuitOpen(operation);
      await this.waitForRateLimit(kind);
      if (!this.breaker.tryEnter()) throw this.circuitOpen(operation);

      const started = this.now();
      try {
        const value = await this.attemptOnce(operation, fn);
        this.breaker.recordSuccess();
        this.record({ operation, attempt, outcome: 'ok', durationMs: this.now() - started });
        return value;
      } catch (raw) {
        const durationMs = this.now() - started;
        const err = toUpstreamError(this.platform, operation, raw);
        if (!(err instanceof UpstreamError)) {
          this.breaker.recordNeutral();
          this.record({ operation, attempt, outcome: 'error', durationMs });
          throw err;
        }
        // Only "the platform looks down" counts against the breaker; a 404/422/429 proves it is up.
        if (err.kind === 'unavailable') this.breaker.recordFailure();
        else this.breaker.recordSuccess();

        const entry = {
          operation,
          attempt,
          outcome: err.kind,
          status: err.upstream.status,
          code: err.upstream.code,
          durationMs,
        };
        const mayResend = kind === 'read' || repeat.kind !== 'never' || surelyNotProcessed(err);
        if (!err.temporary || attempt >= maxAttempts || !mayResend) {
          this.record(entry);
          throw err;
        }
        const retryInMs = this.retryDelayMs(err, attempt);
        this.record({ ...entry, retryInMs });
        this.metrics.retry(this.platform, operation, err.kind);
        if (repeat.kind === 'check' && !surelyNotProcessed(err)) mustCheck = true;
        await this.sleep(retryInMs);
      }
    }
  }

  /**
   * Calls `find` for a `check` write. A temporary failure of `find` uses up an attempt (so the loop stays
   * bounded) and is retried after a backoff; a permanent one, or the last attempt, surfaces.
   */
  private async runCheck<T>(
    operation: string,
    find: () => Promise<T | undefined>,
    attempt: number,
  ): Promise<{ found: boolean; value?: T; retryInMs?: number }> {
    try {
      const value = await find();
      return value === undefined ? { found: false } : { found: true, value };
    } catch (raw) {
      const err = toUpstreamError(this.platform, `${operation}:check`, raw);
      if (!(err instanceof UpstreamError) || !err.temporary || attempt >= this.config.maxAttempts) throw err;
      return { found: false, retryInMs: this.retryDelayMs(err, attempt) };
    }
  }

  /** Runs one attempt, aborting its signal and failing with a timeout error after timeoutMs. */
  private async attemptOnce<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const { timeoutMs } = this.config;
    const timeoutError = new UpstreamError(
      this.platform,
      'unavailable',
      `${operation} timed out after ${timeoutMs} ms`,
      { code: TIMEOUT_CODE },
      operation,
    );
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // Racing also covers an `fn` that ignores the signal (e.g. an SDK without abort support).
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(timeoutError);
        controller.abort(timeoutError);
      }, timeoutMs);
    });
    try {
      return await Promise.race([(async () => fn(controller.signal))(), timeout]);
    } catch (err) {
      throw timedOut ? timeoutError : err;
    } finally {
      clearTimeout(timer);
    }
  }

  private retryDelayMs(err: UpstreamError, attempt: number): number {
    const retryAfterMs = err.upstream.retryAfterMs;
    // A Retry-After is honoured exactly (capped) instead of the backoff: earlier would be refused again.
    if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), this.config.maxRetryAfterMs);
    return backoffDelayMs(attempt, this.config.baseDelayMs, this.config.maxDelayMs, this.random);
  }

  private async waitForRateLimit(kind: CallKind): Promise<void> {
    const waitMs = reserveStart(this.limiters[kind], this.now());
    if (waitMs <= 0) return;
    this.metrics.limiterWait(this.platform, kind, waitMs);
    await this.sleep(waitMs);
  }

  private circuitOpen(operation: string): UpstreamError {
    this.metrics.shortCircuit(this.platform, operation);
    return new UpstreamError(
      this.platform,
      'unavailable',
      'circuit open',
      { code: CIRCUIT_OPEN_CODE },
      operation,
    );
  }

  private onBreakerChange(state: BreakerState): void {
    this.metrics.breakerChanged(this.platform, state);
    if (state !== 'open') return;
    this.logger.warn(
      {
        platform: this.platform,
        operation: 'breaker',
        attempt: 0,
        outcome: 'open',
        durationMs: 0,
        correlationId: getCorrelationId(),
      },
      'circuit breaker opened',
    );
    const listeners = this.deps.onBreakerOpen
      ? [this.deps.onBreakerOpen, ...this.breakerOpenListeners]
      : this.breakerOpenListeners;
    for (const listener of listeners) {
      try {
        listener(this.platform);
      } catch {
        // An alerting failure must not change the outcome of the call that tripped the breaker.
      }
    }
  }

  private record(entry: Omit<UpstreamAttemptLog, 'platform' | 'correlationId'>): void {
    this.metrics.attempt(this.platform, entry.operation, entry.outcome, entry.durationMs);
    const line: UpstreamAttemptLog = { platform: this.platform, ...entry, correlationId: getCorrelationId() };
    if (entry.outcome === 'ok') this.logger.info(line);
    else this.logger.warn(line);
  }
}
