import type { RateLimit } from '@aia/platform';

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces requests evenly at the moment they go on the wire: one send every `windowMs / limit` ms, FIFO.
 *
 * Why, on top of the UpstreamPolicy limiter: that limiter lets a whole window's budget start at once and
 * reserves start times when a call is made. Measured against the emulator on a loaded 2-core machine, a
 * burst of 25 writes left up to 170 ms after its reserved time (event-loop lag, 25 connections opening),
 * so its tail landed in the next Attio second together with the next burst and was answered 429. Even
 * spacing at send time keeps every second's arrivals at or under the limit as long as arrival jitter stays
 * under the policy's jitter margin; an idle client still sends at once. The policy limiter keeps doing the
 * queueing, backpressure and wait metrics.
 */
export class AttioSendPacer {
  private lastSend = -Infinity;
  private tail: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;

  constructor(
    rate: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    this.intervalMs = Number.isFinite(rate.limit) && rate.limit > 0 ? rate.windowMs / rate.limit : 0;
  }

  /** Resolves when this send may go; skips the slot if the attempt was aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs === 0) return Promise.resolve();
    const turn = this.tail.then(() => this.waitForSlot(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    const waitMs = this.lastSend + this.intervalMs - this.now();
    if (waitMs > 0) await this.sleep(waitMs);
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    this.lastSend = this.now();
  }
}
