/**
 * Mutual exclusion by key across everything that shares the events store: one process on SQLite, every
 * instance on Redis. Used where two requests (two browser tabs, a double submit) could otherwise run the
 * same multi-step workflow at once; jobs get the same guarantee from their queue key instead.
 */
export interface KeyedLock {
  /**
   * Takes the lock for `key`, waiting up to `waitMs` for a holder to release it. `ttlMs` bounds how long a
   * crashed holder blocks others. Undefined when it could not be taken in time.
   */
  acquire(key: string, options: { ttlMs: number; waitMs: number }): Promise<LockHandle | undefined>;
  close(): Promise<void>;
}

export interface LockHandle {
  /** Releases the lock if this handle still holds it (a no-op after its ttl passed and another took it). */
  release(): Promise<void>;
}

export const LOCK_POLL_MS = 50;

/** Runs `fn` under the lock; `busy()` decides the answer when it cannot be taken within waitMs. */
export async function withKeyedLock<T>(
  lock: KeyedLock,
  key: string,
  options: { ttlMs: number; waitMs: number },
  fn: () => Promise<T>,
  busy: () => T | Promise<T>,
): Promise<T> {
  const handle = await lock.acquire(key, options);
  if (!handle) return busy();
  try {
    return await fn();
  } finally {
    await handle.release();
  }
}
