/**
 * Exponential backoff with jitter: attempt 1 failed → about baseMs, then 2×, 4×… capped at maxMs.
 * The jitter (75–100 %) spreads retries of many jobs that failed together (an upstream outage).
 */
export function backoffDelay(
  attemptsMade: number,
  base: { baseMs: number; maxMs: number },
  random = Math.random,
): number {
  const exp = Math.min(base.maxMs, base.baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exp * (0.75 + 0.25 * random()));
}
