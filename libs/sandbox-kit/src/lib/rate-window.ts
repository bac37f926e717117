/**
 * Fixed-window request counter, the way the platforms describe their limits ("100 reads per second",
 * "N per minute"). Returns the end of the current window when the limit is hit so the caller can say
 * when to retry.
 */
export class RateWindow {
  private windowStart = 0;
  private count = 0;

  constructor(
    public limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a request at time `nowMs`; returns null when allowed, or the window end (ms) when limited. */
  take(nowMs: number): number | null {
    if (this.limit <= 0) return null;
    // A clock that moved backwards (sandbox clock reset) also starts a new window; otherwise the counter
    // would stay stuck in a window "in the future" until real time caught up.
    if (nowMs < this.windowStart || nowMs - this.windowStart >= this.windowMs) {
      this.windowStart = nowMs - (nowMs % this.windowMs);
      this.count = 0;
    }
    if (this.count >= this.limit) return this.windowStart + this.windowMs;
    this.count += 1;
    return null;
  }

  reset(): void {
    this.windowStart = 0;
    this.count = 0;
  }
}
