/**
 * Exponential backoff with "full jitter": a uniformly random delay in [0, min(maxDelayMs, base * 2^(n-1))).
 * Full jitter spreads the retries of many callers that failed together (AWS architecture blog,
 * "Exponential Backoff And Jitter").
 * @param retry 1 for the delay after the first failed attempt, 2 after the second, …
 */
export function backoffDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
