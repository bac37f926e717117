import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it('doubles the ceiling per retry and never exceeds maxDelayMs', () => {
    const almostOne = () => 0.999_999;
    const delays = Array.from({ length: 12 }, (_, i) => backoffDelayMs(i + 1, 100, 2_000, almostOne));
    expect(delays.slice(0, 5)).toEqual([99, 199, 399, 799, 1_599]);
    expect(Math.max(...delays)).toBeLessThan(2_000);
    expect(delays.at(-1)).toBe(1_999);
  });

  it('is full jitter: anywhere from 0 up to the ceiling', () => {
    expect(backoffDelayMs(3, 100, 2_000, () => 0)).toBe(0);
    expect(backoffDelayMs(3, 100, 2_000, () => 0.5)).toBe(200);
  });

  it('stays within [0, maxDelayMs) for real randomness', () => {
    for (let retry = 1; retry <= 30; retry++) {
      const delay = backoffDelayMs(retry, 250, 5_000);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(5_000);
    }
  });
});
