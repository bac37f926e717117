import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IHalfOpenAfterBackoffContext,
} from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  consecutiveFailures: number;
  halfOpenAfterMs: number;
  now: () => number;
  /** The platform looked down (network error, timeout, 5xx): counts as a failure. */
  isFailure: (err: unknown) => boolean;
  /** The platform answered, with an error (404, 422, 429…): proves it is up, like a success. */
  isAnswer: (err: unknown) => boolean;
  /** Called on every state change (for the gauge and the alert hook). */
  onStateChange?: (state: BreakerState) => void;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * cockatiel measures the open period with Date.now(); as the `halfOpenAfter` backoff this measures it on
 * the policy's clock instead (virtual in tests). Each opening calls `next`, which restarts the period; the
 * duration cockatiel compares its own elapsed time with is ±Infinity: "not yet" or "now".
 */
class OpenPeriod implements IBackoffFactory<IHalfOpenAfterBackoffContext> {
  private openedAt = 0;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number,
  ) {}

  elapsed(): boolean {
    return this.now() - this.openedAt >= this.periodMs;
  }

  next(): IBackoff<IHalfOpenAfterBackoffContext> {
    this.openedAt = this.now();
    const elapsed = () => this.elapsed();
    return {
      get duration() {
        return elapsed() ? -Infinity : Infinity;
      },
      next: () => this.next(),
    };
  }
}

/**
 * Consecutive-failure circuit breaker: cockatiel's CircuitBreakerPolicy with its ConsecutiveBreaker. Open:
 * every call fails fast with cockatiel's BrokenCircuitError. After `halfOpenAfterMs` one probe goes through
 * (half-open); its success closes the breaker, its failure opens it for another period. Ours on top:
 * - the open period runs on the injected clock (OpenPeriod);
 * - callers arriving while the probe is in flight fail fast (cockatiel would queue them behind it);
 * - an error answer from the platform counts as a success (resets the count, closes a half-open breaker);
 *   anything that is neither failure nor answer (a bug) passes through without counting while closed, and
 *   closes a half-open breaker (cockatiel's rule for exceptions it does not handle).
 */
export class CircuitBreaker {
  private readonly openPeriod: OpenPeriod;
  private readonly policy: CircuitBreakerPolicy;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.openPeriod = new OpenPeriod(options.halfOpenAfterMs, options.now);
    this.policy = circuitBreaker(handleWhen(options.isFailure), {
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
      halfOpenAfter: this.openPeriod,
    });
    this.policy.onStateChange((state) => options.onStateChange?.(STATE_NAMES[state]));
  }

  /** The state as seen now: an open breaker whose period has elapsed reports half_open (a probe may go). */
  get state(): BreakerState {
    const state = this.policy.state;
    if (state === CircuitState.Open && this.openPeriod.elapsed()) return 'half_open';
    return STATE_NAMES[state];
  }

  /** True when a call would be refused right now: open, or half-open with the probe already out. */
  wouldReject(): boolean {
    const state = this.policy.state;
    return state === CircuitState.HalfOpen || (state !== CircuitState.Closed && !this.openPeriod.elapsed());
  }

  /** Runs one attempt through the breaker; a refused call rejects with BrokenCircuitError, fn not called. */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    if (this.wouldReject()) throw new BrokenCircuitError();
    const outcome = await this.policy.execute(async (): Promise<{ value: T } | { answered: unknown }> => {
      try {
        return { value: await fn() };
      } catch (err) {
        if (this.options.isAnswer(err)) return { answered: err };
        throw err;
      }
    });
    if ('answered' in outcome) throw outcome.answered;
    return outcome.value;
  }
}
