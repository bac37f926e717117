import type { RateLimit } from './upstream-policy.config';

/** What a limiter has handed out in the window ending now (the ops page's rate-limit view). */
export interface RateLimiterUsage {
  /** null: no client-side limit. */
  limit: number | null;
  windowMs: number;
  /** Calls whose reserved start lies in (now - windowMs, ∞): started in the window, or queued to start. */
  used: number;
  /** What is left of `limit` right now (never negative); null when unlimited. */
  headroom: number | null;
}

/** An unlimited limiter only counts its recent starts for `usage`, and never more than this many. */
const MAX_COUNTED_UNLIMITED = 10_000;

/**
 * Sliding-window limiter that delays (never rejects): at most `limit` calls start in any window of
 * `windowMs`. A caller reserves its start time synchronously, in call order, so waiting is FIFO-fair
 * and no caller is overtaken by a later one. A call that counts against several limiters (e.g. "reads"
 * and a shared budget) reserves the same start time in all of them via `reserveStart`.
 */
export class RateLimiter {
  /** Start times of the last `limit` reservations, oldest first (may lie in the future). */
  private readonly starts: number[] = [];
  /** Unlimited only: start times within the last window (for `usage`), oldest first, bounded. */
  private readonly recent: number[] = [];

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
    if (this.unlimited) {
      this.recent.push(start);
      const stale = this.recent.findIndex((s) => s > start - this.rate.windowMs);
      const drop = Math.max(
        stale === -1 ? this.recent.length : stale,
        this.recent.length - MAX_COUNTED_UNLIMITED,
      );
      if (drop > 0) this.recent.splice(0, drop);
      return;
    }
    this.starts.push(start);
    const excess = this.starts.length - this.capacity;
    if (excess > 0) this.starts.splice(0, excess);
  }

  /**
   * Calls started (or reserved to start) within the window ending at `now`, and the headroom left. A limited
   * limiter keeps its last `limit` starts, which is all a window can hold, so the count is exact.
   */
  usage(now: number): RateLimiterUsage {
    const since = now - this.rate.windowMs;
    const held = this.unlimited ? this.recent : this.starts;
    let used = 0;
    for (let i = held.length - 1; i >= 0 && held[i] > since; i--) used++;
    if (this.unlimited) return { limit: null, windowMs: this.rate.windowMs, used, headroom: null };
    return {
      limit: this.rate.limit,
      windowMs: this.rate.windowMs,
      used,
      headroom: Math.max(0, this.capacity - used),
    };
  }
}

/** Reserves one start time valid for every limiter and returns how long to wait for it (ms, ≥ 0). */
export function reserveStart(limiters: readonly RateLimiter[], now: number): number {
  const start = limiters.reduce((latest, limiter) => Math.max(latest, limiter.earliestStart(now)), now);
  for (const limiter of limiters) limiter.commit(start);
  return start - now;
}
