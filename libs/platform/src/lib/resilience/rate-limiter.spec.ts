import { RateLimiter, reserveStart } from './rate-limiter';

describe('RateLimiter', () => {
  it('hands out start times FIFO, at most `limit` per window', () => {
    const limiter = new RateLimiter({ limit: 2, windowMs: 1_000 });
    const waits = Array.from({ length: 7 }, () => reserveStart([limiter], 0));
    expect(waits).toEqual([0, 0, 1_000, 1_000, 2_000, 2_000, 3_000]);
  });

  it('never lets more than `limit` starts fall in any sliding window', () => {
    const limiter = new RateLimiter({ limit: 5, windowMs: 1_000 });
    const starts: number[] = [];
    // Callers arrive at irregular times; each start = arrival + wait.
    for (let i = 0; i < 60; i++) {
      const arrival = i * 37;
      starts.push(arrival + reserveStart([limiter], arrival));
    }
    for (const start of starts) {
      const inWindow = starts.filter((s) => s >= start && s < start + 1_000);
      expect(inWindow.length).toBeLessThanOrEqual(5);
    }
    // Starts keep call order (no caller overtakes an earlier one).
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('frees a slot once the oldest start leaves the window', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    expect(reserveStart([limiter], 0)).toBe(0);
    expect(reserveStart([limiter], 400)).toBe(600);
    expect(reserveStart([limiter], 5_000)).toBe(0);
  });

  it('does nothing with an Infinity limit', () => {
    const limiter = new RateLimiter({ limit: Infinity, windowMs: 1_000 });
    expect(Array.from({ length: 1_000 }, () => reserveStart([limiter], 0)).every((w) => w === 0)).toBe(true);
  });

  it('reserves the same start in every limiter of a call (own window + shared budget)', () => {
    const reads = new RateLimiter({ limit: 10, windowMs: 1_000 });
    const shared = new RateLimiter({ limit: 1, windowMs: 1_000 });
    expect(reserveStart([reads, shared], 0)).toBe(0);
    expect(reserveStart([reads, shared], 0)).toBe(1_000);
    // The read window recorded the delayed start, not the arrival time.
    expect(reads.earliestStart(0)).toBe(0);
    expect(shared.earliestStart(0)).toBe(2_000);
  });
});

describe('RateLimiter.usage', () => {
  it('counts the starts inside the window ending now, queued ones included, and the headroom left', () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 1_000 });
    expect(limiter.usage(0)).toEqual({ limit: 3, windowMs: 1_000, used: 0, headroom: 3 });
    reserveStart([limiter], 0);
    reserveStart([limiter], 400);
    expect(limiter.usage(500)).toEqual({ limit: 3, windowMs: 1_000, used: 2, headroom: 1 });
    // The start at 0 leaves the window at 1000.
    expect(limiter.usage(1_000)).toMatchObject({ used: 1, headroom: 2 });
    // Over budget: the fourth and fifth calls are queued (start at 1000, 1400); they count already.
    reserveStart([limiter], 600);
    reserveStart([limiter], 700);
    reserveStart([limiter], 800);
    expect(limiter.usage(800)).toMatchObject({ used: 3, headroom: 0 });
    expect(limiter.usage(5_000)).toMatchObject({ used: 0, headroom: 3 });
  });

  it('counts an unlimited limiter’s recent starts and reports no limit or headroom', () => {
    const limiter = new RateLimiter({ limit: Infinity, windowMs: 1_000 });
    for (let t = 0; t < 2_000; t += 100) reserveStart([limiter], t);
    expect(limiter.usage(1_950)).toEqual({ limit: null, windowMs: 1_000, used: 10, headroom: null });
    expect(limiter.usage(10_000)).toMatchObject({ used: 0 });
  });
});
