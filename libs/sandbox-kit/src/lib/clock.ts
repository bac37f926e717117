type AdvanceListener = (from: Date, to: Date) => void | Promise<void>;

/**
 * The emulator's notion of "now". Starts at the real time and can be moved forward (like Stripe test
 * clocks); listeners run on each advance so subscriptions renew and transactions settle.
 */
export class SandboxClock {
  private offsetMs = 0;
  private readonly listeners: AdvanceListener[] = [];

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  onAdvance(listener: AdvanceListener): void {
    this.listeners.push(listener);
  }

  async advance(ms: number): Promise<Date> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('clock can only move forward by a finite amount');
    const from = this.now();
    this.offsetMs += ms;
    const to = this.now();
    for (const listener of this.listeners) await listener(from, to);
    return to;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get offset(): number {
    return this.offsetMs;
  }

  set offset(ms: number) {
    this.offsetMs = ms;
  }
}
