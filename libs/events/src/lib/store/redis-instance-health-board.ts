import Redis from 'ioredis';
import type { InstanceHealthBoard, InstanceSnapshot } from '@aia/platform';
import type { RedisConnection } from '../queue/redis-connection';

/** An entry not re-published within this long is gone (the publisher renews it every 10 s). */
export const INSTANCE_ENTRY_TTL_MS = 30_000;
/** SCAN COUNT per round, and at most this many rounds per list(): bounded even on a busy shared Redis. */
const SCAN_COUNT = 100;
const MAX_SCAN_ROUNDS = 50;
/** How long close() waits for the DEL of this process's entry before dropping the connection. */
const CLOSE_WAIT_MS = 1_000;

/**
 * The instance health board on the events' Redis: each process keeps `<prefix>:instances:<role>:<host>:<pid>`
 * (its JSON snapshot, PX ttlMs) and list() reads every such key (SCAN + MGET). Its own connection, opened on
 * first use.
 */
export class RedisInstanceHealthBoard implements InstanceHealthBoard {
  private redis?: Redis;
  private ownKey?: string;
  private closed = false;

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    private readonly ttlMs = INSTANCE_ENTRY_TTL_MS,
  ) {}

  async publish(snapshot: InstanceSnapshot): Promise<void> {
    if (this.closed) return;
    const key = `${this.prefix}:instances:${snapshot.role}:${snapshot.hostname}:${snapshot.pid}`;
    this.ownKey = key;
    await this.client().set(key, JSON.stringify(snapshot), 'PX', this.ttlMs);
  }

  async list(): Promise<InstanceSnapshot[]> {
    if (this.closed) return [];
    const redis = this.client();
    const keys = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, found] = await redis.scan(
        cursor,
        'MATCH',
        `${this.prefix}:instances:*`,
        'COUNT',
        SCAN_COUNT,
      );
      for (const key of found) keys.add(key);
      cursor = next;
    } while (cursor !== '0' && ++rounds < MAX_SCAN_ROUNDS);
    if (keys.size === 0) return [];
    const values = await redis.mget(...keys);
    const out: InstanceSnapshot[] = [];
    for (const value of values) {
      // null: expired between SCAN and MGET.
      if (value === null) continue;
      try {
        out.push(JSON.parse(value) as InstanceSnapshot);
      } catch {
        // Not ours to judge: a foreign or truncated value is left out.
      }
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const redis = this.redis;
    if (!redis) return;
    try {
      if (this.ownKey) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          redis.del(this.ownKey),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, CLOSE_WAIT_MS);
            timer.unref();
          }),
        ]).finally(() => clearTimeout(timer));
      }
    } finally {
      redis.disconnect();
    }
  }

  private client(): Redis {
    if (!this.redis) {
      this.redis = new Redis({ ...this.connection, maxRetriesPerRequest: 2 });
      // Failures surface through the commands (the publisher logs them); no unhandled 'error' events.
      this.redis.on('error', () => undefined);
    }
    return this.redis;
  }
}
