/**
 * A durable record that a side effect is about to be attempted, kept where the queue is (SQLite or
 * Redis). It answers one question: "is this the first attempt ever?" A send whose key was recorded
 * before may have happened already (a timeout, a crash, a lease expiry, another worker), so the caller
 * looks for its effect first; only a provably first send skips that look-up (ARCHITECTURE.md §5).
 */
export interface IntentLog {
  /**
   * Records an attempt under `key`. `first`: no attempt was recorded before (nothing can have happened
   * yet). `previousAt`: when the last earlier attempt was recorded (epoch ms), so a caller can tell a send
   * that may still be in flight from one long settled.
   */
  record(key: string): Promise<IntentRecord>;
  /** Whether `key` was ever recorded (a read only). */
  has(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface IntentRecord {
  first: boolean;
  previousAt?: number;
}

export const INTENT_LOG = Symbol('INTENT_LOG');

/** How long Redis keeps an intent: far longer than any retry schedule or queue retention. */
export const INTENT_TTL_MS = 180 * 24 * 3_600_000;
