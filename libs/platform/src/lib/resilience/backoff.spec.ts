import type { IBackoff, IRetryBackoffContext } from 'cockatiel';
import { UpstreamError } from '../errors/upstream-error';
import { backoffDelay, UpstreamBackoff } from './backoff';

type Context = IRetryBackoffContext<unknown>;
const failure = (error: Error): Context => ({
  attempt: 1,
  signal: new AbortController().signal,
  result: { error },
});
const unavailable = () => failure(new UpstreamError('attio', 'unavailable', 'down'));
const limited = (retryAfterMs?: number) =>
  failure(new UpstreamError('attio', 'rate_limited', 'slow down', { status: 429, retryAfterMs }));

/** The delays of `count` retries, each after the failure `contextOf(i)`. */
function delays(backoff: ReturnType<typeof UpstreamBackoff.create>, count: number, contextOf = unavailable) {
  const out: number[] = [];
  let current: IBackoff<Context> | undefined;
  for (let i = 0; i < count; i++) {
    current = (current ?? backoff).next(contextOf());
    out.push(current.duration);
  }
  return out;
}

describe('UpstreamBackoff', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 };

  it('doubles the ceiling per retry and never exceeds maxDelayMs', () => {
    const almostOne = UpstreamBackoff.create({ ...options, random: () => 0.999_999 });
    const out = delays(almostOne, 12);
    expect(out.slice(0, 5)).toEqual([99, 199, 399, 799, 1_599]);
    expect(Math.max(...out)).toBeLessThan(2_000);
    expect(out.at(-1)).toBe(1_999);
  });

  it('is full jitter: anywhere from 0 up to the ceiling', () => {
    expect(delays(UpstreamBackoff.create({ ...options, random: () => 0 }), 3).at(-1)).toBe(0);
    expect(delays(UpstreamBackoff.create({ ...options, random: () => 0.5 }), 3).at(-1)).toBe(200);
  });

  it('stays within [0, maxDelayMs) for real randomness', () => {
    for (const delay of delays(
      UpstreamBackoff.create({ ...options, baseDelayMs: 250, maxDelayMs: 5_000 }),
      30,
    )) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(5_000);
    }
  });

  it('waits a Retry-After exactly instead, capped by maxRetryAfterMs, and keeps the exponent going', () => {
    const backoff = UpstreamBackoff.create({ ...options, random: () => 0.5 });
    const contexts = [limited(1_234), limited(60_000), unavailable(), limited(undefined)];
    let i = 0;
    // 429 + Retry-After, 429 + a long one (capped), a 503 (third retry: ceiling 400), a 429 without one.
    expect(delays(backoff, 4, () => contexts[i++])).toEqual([1_234, 5_000, 200, 400]);
  });
});

describe('backoffDelay (job retries)', () => {
  const base = { baseMs: 1_000, maxMs: 10_000 };

  it('doubles from baseMs per attempt made, capped at maxMs', () => {
    const top = () => 0.999_999_9;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, base, top))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    expect(backoffDelay(0, base, top)).toBe(1_000);
  });

  it('keeps 75–100 % of the ceiling: never much sooner than asked', () => {
    expect(backoffDelay(3, base, () => 0)).toBe(3_000);
    expect(backoffDelay(3, base, () => 0.5)).toBe(3_500);
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(2, base);
      expect(delay).toBeGreaterThanOrEqual(1_500);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
