import {
  BrokenCircuitError,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type TimeoutPolicy,
} from 'cockatiel';
import { UpstreamError, type Platform } from '../errors/upstream-error';
import { getCorrelationId } from '../logging/correlation';
import { UpstreamMetrics } from '../metrics/metrics';
import { UpstreamBackoff } from './backoff';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { RateLimiter, reserveStart, type RateLimiterUsage } from './rate-limiter';
import {
  CIRCUIT_OPEN_CODE,
  surelyNotProcessed,
  timeoutError,
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

/** One failed upstream attempt as the ops page shows it: what and when, never a payload or a secret. */
export interface UpstreamFailure {
  at: string;
  operation: string;
  /** The UpstreamErrorKind (`unavailable`, `rate_limited`, `validation`…) or `error` for a bug. */
  outcome: string;
  status?: number;
  code?: string;
}

/** What this instance sees of one platform right now (GET /admin/platforms). */
export interface UpstreamPolicySnapshot {
  platform: Platform;
  breaker: BreakerState;
  /** Latest failed attempts first, at most RECENT_FAILURES. */
  recentErrors: UpstreamFailure[];
  /** Each client-side budget: reads, writes and the shared one when the platform has it. */
  rateLimits: Array<{ kind: CallKind | 'shared' } & RateLimiterUsage>;
}

/** How many failed attempts a policy remembers for its snapshot (a ring: older ones drop off). */
export const RECENT_FAILURES = 20;
type RetryContext = IRetryBackoffContext<unknown>;
type AttemptEntry = Omit<UpstreamAttemptLog, 'platform' | 'correlationId'>;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let defaultMetrics: UpstreamMetrics | undefined;
/** Process-wide metrics on the shared registry, for policies built without explicit metrics. */
function processMetrics(): UpstreamMetrics {
  defaultMetrics ??= new UpstreamMetrics();
  return defaultMetrics;
}

/**
 * cockatiel's RetryPolicy waits each backoff with its own timer. The policy waits on its own clock instead
 * (`deps.sleep`: the rate limiter's clock too, and virtual in tests), at the start of the next attempt: this
 * hands cockatiel a zero delay and the backoff's real one to `setWait`.
 */
function onPolicyClock(
  backoff: IBackoffFactory<RetryContext>,
  setWait: (ms: number) => void,
): IBackoffFactory<RetryContext> {
  return {
    next(context) {
      const next = backoff.next(context);
      setWait(next.duration);
      return { duration: 0, next: (later: RetryContext) => onPolicyClock(next, setWait).next(later) };
    },
  };
}

/**
 * One per platform, built on cockatiel's policies: a per-attempt timeout (TimeoutPolicy, aggressive: it also
 * ends an `fn` that ignores its signal), retries of temporary errors only (RetryPolicy) with our backoff
 * (exact Retry-After, else exponential with full jitter: UpstreamBackoff), a consecutive-failure circuit
 * breaker (CircuitBreakerPolicy, see CircuitBreaker), and our delaying client-side rate limiter (cockatiel
 * has none). Whether a write may be sent again is ours too (RepeatStrategy).
 * `fn` performs ONE attempt with the given AbortSignal and throws UpstreamError (classified by the
 * platform client) or a raw network error, which the policy converts to `unavailable`.
 */
export class UpstreamPolicy {
  readonly platform: Platform;
  private readonly metrics: UpstreamMetrics;
  private readonly logger: UpstreamLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly backoff: IBackoffFactory<RetryContext>;
  private readonly breaker: CircuitBreaker;
  private readonly timeout: TimeoutPolicy;
  private readonly limiters: Record<CallKind, RateLimiter[]>;
  private readonly namedLimiters: Array<{ kind: CallKind | 'shared'; limiter: RateLimiter }>;
  /** The last RECENT_FAILURES failed attempts, oldest first. */
  private readonly failures: UpstreamFailure[] = [];
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
    this.backoff = UpstreamBackoff.create({ ...config, random: deps.random });
    this.breaker = new CircuitBreaker({
      ...config.breaker,
      now: this.now,
      // Only "the platform looks down" counts against the breaker; a 404/422/429 proves it is up.
      isFailure: (err) => err instanceof UpstreamError && err.kind === 'unavailable',
      isAnswer: (err) => err instanceof UpstreamError && err.kind !== 'unavailable',
      onStateChange: (state) => this.onBreakerChange(state),
    });
    this.timeout = timeout(config.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
    const shared = config.rateLimits.shared ? [new RateLimiter(config.rateLimits.shared)] : [];
    const read = new RateLimiter(config.rateLimits.read);
    const write = new RateLimiter(config.rateLimits.write);
    this.limiters = { read: [read, ...shared], write: [write, ...shared] };
    this.namedLimiters = [
      { kind: 'read', limiter: read },
      { kind: 'write', limiter: write },
      ...shared.map((limiter) => ({ kind: 'shared' as const, limiter })),
    ];
    this.metrics.trackBreaker(this.platform, () => this.breaker.state);
  }

  /** Adds a listener for the breaker opening (alerting subscribes through PolicyRegistry). */
  onBreakerOpen(listener: (platform: Platform) => void): void {
    this.breakerOpenListeners.push(listener);
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Breaker state, the latest failed attempts and each rate limiter's use of its current window. */
  snapshot(): UpstreamPolicySnapshot {
    const now = this.now();
    return {
      platform: this.platform,
      breaker: this.breaker.state,
      recentErrors: [...this.failures].reverse(),
      rateLimits: this.namedLimiters.map(({ kind, limiter }) => ({ kind, ...limiter.usage(now) })),
    };
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

  private execute<T>(
    kind: CallKind,
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    repeat: RepeatStrategy<T>,
  ): Promise<T> {
    const call = {
      /** Set after an ambiguous failure of a `check` write: ask the platform before re-sending. */
      mustCheck: false,
      /** The delay the backoff chose for the coming retry. */
      waitMs: 0,
      /** The failed attempt cockatiel is deciding about (logged with its retry delay, or when it gives up). */
      failed: undefined as AttemptEntry | undefined,
      /** A call refused by the open breaker: surfaces at once, never retried. */
      refused: undefined as UpstreamError | undefined,
    };
    const retries = retry(
      handleWhen((err) => err !== call.refused && this.mayRepeat(kind, repeat, err)),
      {
        maxAttempts: this.config.maxAttempts - 1,
        backoff: onPolicyClock(this.backoff, (ms) => (call.waitMs = ms)),
      },
    );
    retries.onRetry(() => {
      if (!call.failed) return; // a `check` whose find() failed: not an attempt
      this.record({ ...call.failed, retryInMs: call.waitMs });
      this.metrics.retry(this.platform, operation, call.failed.outcome);
    });
    retries.onGiveUp(() => call.failed && this.record(call.failed));

    return retries.execute(async ({ attempt }) => {
      call.failed = undefined;
      if (attempt > 0) await this.sleep(call.waitMs);
      if (call.mustCheck && repeat.kind === 'check') {
        // A temporary failure of find() is retried like an attempt (and uses one up), so the loop stays bounded.
        const found = await this.find(operation, repeat.find);
        if (found !== undefined) return found;
        call.mustCheck = false;
      }

      if (this.breaker.wouldReject()) throw (call.refused = this.circuitOpen(operation));
      const waitMs = reserveStart(this.limiters[kind], this.now());
      if (waitMs > 0) {
        this.metrics.limiterWait(this.platform, kind, waitMs);
        await this.sleep(waitMs);
      }

      const started = this.now();
      try {
        const value = await this.breaker.execute(() => this.attemptOnce(operation, fn));
        this.record({ operation, attempt: attempt + 1, outcome: 'ok', durationMs: this.now() - started });
        return value;
      } catch (err) {
        if (err instanceof BrokenCircuitError) throw (call.refused = this.circuitOpen(operation));
        const durationMs = this.now() - started;
        if (!(err instanceof UpstreamError)) {
          this.record({ operation, attempt: attempt + 1, outcome: 'error', durationMs });
          throw err;
        }
        const entry: AttemptEntry = {
          operation,
          attempt: attempt + 1,
          outcome: err.kind,
          status: err.upstream.status,
          code: err.upstream.code,
          durationMs,
        };
        if (!this.mayRepeat(kind, repeat, err)) this.record(entry);
        else {
          call.failed = entry;
          if (repeat.kind === 'check' && !surelyNotProcessed(err)) call.mustCheck = true;
        }
        throw err;
      }
    });
  }

  /** Whether cockatiel may run the call again after `err`: temporary errors only, and writes per their strategy. */
  private mayRepeat(kind: CallKind, repeat: RepeatStrategy<unknown>, err: unknown): boolean {
    if (!(err instanceof UpstreamError) || !err.temporary) return false;
    return kind === 'read' || repeat.kind !== 'never' || surelyNotProcessed(err);
  }

  private async find<T>(operation: string, find: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await find();
    } catch (raw) {
      throw toUpstreamError(this.platform, `${operation}:check`, raw);
    }
  }

  /**
   * One attempt under cockatiel's timeout: the signal `fn` gets is aborted after timeoutMs, and the attempt
   * fails then even if `fn` ignores it (an SDK without abort support). What it throws comes back classified.
   */
  private async attemptOnce<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let signal: AbortSignal | undefined;
    try {
      return await this.timeout.execute(({ signal: attemptSignal }) => {
        signal = attemptSignal;
        return fn(attemptSignal);
      });
    } catch (err) {
      if (err instanceof TaskCancelledError || signal?.aborted)
        throw timeoutError(this.platform, operation, this.config.timeoutMs);
      throw toUpstreamError(this.platform, operation, err);
    }
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
    if (entry.outcome !== 'ok') this.remember(entry);
    const line: UpstreamAttemptLog = { platform: this.platform, ...entry, correlationId: getCorrelationId() };
    if (entry.outcome === 'ok') this.logger.info(line);
    else this.logger.warn(line);
  }

  private remember(entry: AttemptEntry): void {
    this.failures.push({
      at: new Date(this.now()).toISOString(),
      operation: entry.operation,
      outcome: entry.outcome,
      ...(entry.status !== undefined ? { status: entry.status } : {}),
      ...(entry.code !== undefined && entry.code !== null ? { code: String(entry.code) } : {}),
    });
    if (this.failures.length > RECENT_FAILURES) this.failures.shift();
  }
}
