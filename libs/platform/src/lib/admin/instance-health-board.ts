import type { UpstreamPolicySnapshot } from '../resilience/upstream-policy';

/** What one process publishes about itself: who it is and PolicyRegistry.snapshot() at `publishedAt`. */
export interface InstanceSnapshot {
  /** APP_ROLE of the process: `web`, `worker` or `all`. */
  role: string;
  pid: number;
  hostname: string;
  startedAt: string;
  publishedAt: string;
  platforms: UpstreamPolicySnapshot[];
}

/**
 * Where every process of a deployment leaves its latest health snapshot, so the one answering
 * GET /admin/platforms can show all of them (workers serve no admin route). Each process publishes its own
 * snapshot periodically (InstanceHealthPublisher); an entry that is not refreshed expires.
 *
 * The default (InMemoryInstanceHealthBoard) sees this process only; with the Redis events backend, libs/events
 * provides a shared one under INSTANCE_HEALTH_BOARD.
 */
export interface InstanceHealthBoard {
  /** Replaces this process's entry (and renews its expiry). */
  publish(snapshot: InstanceSnapshot): Promise<void>;
  /** Every live entry, this process's included once it has published. */
  list(): Promise<InstanceSnapshot[]>;
  /** Removes this process's entry (graceful shutdown) and releases the board's resources; idempotent. */
  close(): Promise<void>;
}

/** Optional provider token: a shared board (libs/events provides one on Redis). Absent or null: in memory. */
export const INSTANCE_HEALTH_BOARD = Symbol('INSTANCE_HEALTH_BOARD');

/** One process: the board holds this process's latest snapshot and nothing else. */
export class InMemoryInstanceHealthBoard implements InstanceHealthBoard {
  private latest?: InstanceSnapshot;

  async publish(snapshot: InstanceSnapshot): Promise<void> {
    this.latest = snapshot;
  }

  async list(): Promise<InstanceSnapshot[]> {
    return this.latest ? [this.latest] : [];
  }

  async close(): Promise<void> {
    this.latest = undefined;
  }
}

/** The same process: role, host and pid (a pid alone repeats across containers, where it is often 1). */
export function sameInstance(
  a: Pick<InstanceSnapshot, 'role' | 'hostname' | 'pid'>,
  b: Pick<InstanceSnapshot, 'role' | 'hostname' | 'pid'>,
): boolean {
  return a.role === b.role && a.hostname === b.hostname && a.pid === b.pid;
}
