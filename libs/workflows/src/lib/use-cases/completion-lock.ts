import { withKeyedLock } from '@aia/events';
import type { KeyedLock } from '@aia/events';
import { DomainError, ErrorCode } from '@aia/platform';

/** A completion holds its record's lock at most this long (a crashed holder frees it after that). */
export const COMPLETION_LOCK_TTL_MS = 120_000;
/** A second submit waits this long for the first to finish, then answers with its outcome. */
export const COMPLETION_LOCK_WAIT_MS = 30_000;

/**
 * Runs one checkout completion for a record at a time (two tabs, a double submit, two instances): a second
 * one waits for the first, then runs and finds its work done; one that waits too long answers 409 `busy`.
 */
export function withCompletionLock<T>(
  lock: KeyedLock,
  recordId: string,
  busy: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withKeyedLock(
    lock,
    `checkout:${recordId}`,
    { ttlMs: COMPLETION_LOCK_TTL_MS, waitMs: COMPLETION_LOCK_WAIT_MS },
    fn,
    () => {
      throw new DomainError(ErrorCode.CheckoutInProgress, busy);
    },
  );
}
