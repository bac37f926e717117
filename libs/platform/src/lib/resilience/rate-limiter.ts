import type { RateLimit } from './upstream-policy.config';

/**
 * Sliding-window limiter that delays (never rejects): at most `limit` calls start in any window of
 * `windowMs`. A caller reserves its start time synchronously, in call order, so waiting is FIFO-fair
 * and no caller is overtaken by a later one. A call that counts against several limiters (e.g. "reads"
 * and a shared budget) reserves the same start time in all of them via `reserveStart`.
 */
export class RateLimiter {
  /** Start times of the last `limit` reservations, oldest first (may lie in the future). */
  private readonly starts: number[] = [];

  constructor(readonly rate: RateLimit) {}

  get unlimited(): boolean {
    return !Number.isFinite(this.rate.limit);
  }

  private get capacity(): number {
    return Math.max(1, Math.floor(this.rate.limit));
  }

  /** The earliest time (≥ now) at which one more call may start without exceeding the limit. */
  earliestStart(now: number): number {
    if (this.unlimited || this.starts.length < this.capacity) return now;
    // The call `limit` places earlier must have left the window before this one may start.
    return Math.max(now, this.starts[this.starts.length - this.capacity] + this.rate.windowMs);
  }

  commit(start: number): void {
    if (this.unlimited) return;
    this.starts.push(start);
    const excess = this.starts.length - this.capacity;
    if (excess > 0) this.starts.splice(0, excess);
  }
}

/** Reserves one start time valid for every limiter and returns how long to wait for it (ms, ≥ 0). */
export function reserveStart(limiters: readonly RateLimiter[], now: number): number {
  const start = limiters.reduce((latest, limiter) => Math.max(latest, limiter.earliestStart(now)), now);
  for (const limiter of limiters) limiter.commit(start);
  return start - now;
}
