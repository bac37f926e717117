import { RateWindow } from './rate-window';

describe('RateWindow', () => {
  it('allows `limit` requests per fixed window, then returns the window end', () => {
    const window = new RateWindow(3, 1_000);
    expect([10_100, 10_200, 10_300].map((t) => window.take(t))).toEqual([null, null, null]);
    expect(window.take(10_400)).toBe(11_000);
    expect(window.take(10_999)).toBe(11_000);
  });

  it('starts a fresh window aligned to the window size', () => {
    const window = new RateWindow(1, 1_000);
    expect(window.take(10_500)).toBeNull();
    expect(window.take(10_900)).toBe(11_000);
    expect(window.take(11_000)).toBeNull();
    expect(window.take(11_001)).toBe(12_000);
  });

  it('treats a limit of 0 or less as unlimited', () => {
    const window = new RateWindow(0, 1_000);
    expect(Array.from({ length: 100 }, () => window.take(5)).every((r) => r === null)).toBe(true);
  });

  it('picks up a changed limit (Zoho emulator adjusts it at runtime)', () => {
    const window = new RateWindow(1, 60_000);
    window.take(0);
    expect(window.take(1)).toBe(60_000);
    window.limit = 2;
    expect(window.take(2)).toBeNull();
  });

  it('starts a new window when the clock moves backwards (sandbox clock reset)', () => {
    const window = new RateWindow(1, 1_000);
    const advancedDay = 86_400_000 + 500;
    expect(window.take(advancedDay)).toBeNull();
    // Back to "real" time: must not be stuck in the window a day ahead.
    expect(window.take(500)).toBeNull();
    expect(window.take(600)).toBe(1_000);
  });

  it('reset forgets the count', () => {
    const window = new RateWindow(1, 1_000);
    window.take(100);
    window.reset();
    expect(window.take(200)).toBeNull();
  });
});
