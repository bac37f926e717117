export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  consecutiveFailures: number;
  halfOpenAfterMs: number;
  now: () => number;
  /** Called on every state change (for the gauge and the alert hook). */
  onStateChange?: (state: BreakerState) => void;
}

/**
 * Consecutive-failure breaker. Open: every call fails fast. After `halfOpenAfterMs` exactly one probe is
 * let through (half-open); its success closes the breaker, its failure re-opens it for another delay.
 * Kept plain (not cockatiel) so the clock is injectable and the probe slot is explicit.
 */
export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** The state as seen now: an open breaker whose delay has elapsed reports half_open (a probe may go). */
  get state(): BreakerState {
    if (this.stateValue === 'open' && this.delayElapsed()) return 'half_open';
    return this.stateValue;
  }

  /** True when a call would be refused right now (without claiming the probe slot). */
  wouldReject(): boolean {
    const state = this.state;
    return state === 'open' || (state === 'half_open' && this.probeInFlight);
  }

  /**
   * Claims permission for one attempt. Returns false when the attempt must fail fast. In half-open state
   * only the first caller gets the probe slot; the others are refused until the probe settles.
   */
  tryEnter(): boolean {
    if (this.stateValue === 'open') {
      if (!this.delayElapsed()) return false;
      this.transition('half_open');
    }
    if (this.stateValue === 'half_open') {
      if (this.probeInFlight) return false;
      this.probeInFlight = true;
    }
    return true;
  }

  /** The platform answered (including permanent errors such as 404/422: the platform is up). */
  recordSuccess(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.stateValue !== 'closed') this.transition('closed');
  }

  /** The platform looked down (network error, timeout, 5xx). */
  recordFailure(): void {
    this.failures += 1;
    const wasProbe = this.stateValue === 'half_open';
    this.probeInFlight = false;
    if (wasProbe || (this.stateValue === 'closed' && this.failures >= this.options.consecutiveFailures)) {
      this.openedAt = this.options.now();
      this.transition('open');
    }
  }

  /** The attempt ended without telling us anything about the platform's health; frees the probe slot. */
  recordNeutral(): void {
    this.probeInFlight = false;
  }

  private delayElapsed(): boolean {
    return this.options.now() - this.openedAt >= this.options.halfOpenAfterMs;
  }

  private transition(state: BreakerState): void {
    this.stateValue = state;
    this.options.onStateChange?.(state);
  }
}
