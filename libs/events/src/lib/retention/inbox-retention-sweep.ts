import type { EventRetention } from '../events-options';
import type { EventInbox } from '../inbox/event-inbox';

/**
 * Deletes finished events past their retention: at start() and every intervalMs, in batches, yielding
 * to the event loop between batches so a large backlog never holds up requests. Never throws: failures
 * go to onError and the next run tries again.
 */
export class InboxRetentionSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly inbox: EventInbox,
    private readonly retention: EventRetention,
    private readonly report: { onPruned(count: number): void; onError(err: unknown): void },
  ) {}

  start(): void {
    this.stopped = false;
    void this.run();
    this.timer = setInterval(() => void this.run(), this.retention.intervalMs);
    this.timer.unref();
  }

  /** One sweep; a call while one is running joins it. Resolves to the number of events deleted. */
  run(): Promise<number> {
    this.running ??= this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a running sweep to finish its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async sweep(): Promise<number> {
    const cutoff = Date.now() - this.retention.eventsMs;
    let total = 0;
    try {
      for (;;) {
        const pruned = await this.inbox.pruneTerminal(cutoff, this.retention.batch);
        total += pruned;
        if (pruned < this.retention.batch || this.stopped) break;
        await new Promise<void>((r) => setImmediate(r));
      }
    } catch (err) {
      this.report.onError(err);
    }
    if (total) this.report.onPruned(total);
    return total;
  }
}
