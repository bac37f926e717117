import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCK_POLL_MS } from './keyed-lock';
import type { KeyedLock, LockHandle } from './keyed-lock';

/** The embedded store serves one process, so a map of holders is the whole lock. */
export class InProcessKeyedLock implements KeyedLock {
  private readonly holders = new Map<string, { token: string; expiresAt: number }>();

  async acquire(key: string, options: { ttlMs: number; waitMs: number }): Promise<LockHandle | undefined> {
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      const now = Date.now();
      const held = this.holders.get(key);
      if (!held || held.expiresAt <= now) {
        const token = randomUUID();
        this.holders.set(key, { token, expiresAt: now + options.ttlMs });
        return {
          release: async () => {
            if (this.holders.get(key)?.token === token) this.holders.delete(key);
          },
        };
      }
      if (now >= deadline) return undefined;
      await sleep(Math.min(LOCK_POLL_MS, deadline - now));
    }
  }

  async close(): Promise<void> {
    this.holders.clear();
  }
}
