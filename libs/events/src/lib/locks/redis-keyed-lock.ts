import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import type { RedisConnection } from '../queue/redis-connection';
import { LOCK_POLL_MS } from './keyed-lock';
import type { KeyedLock, LockHandle } from './keyed-lock';

/** Deletes the key only while it still holds our token (the standard single-instance Redis lock). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** SET NX PX with a random token; shared by every instance on the same Redis. */
export class RedisKeyedLock implements KeyedLock {
  private redis?: Redis;

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  async acquire(key: string, options: { ttlMs: number; waitMs: number }): Promise<LockHandle | undefined> {
    const redis = (this.redis ??= new Redis({ ...this.connection, maxRetriesPerRequest: 2 }));
    const name = `${this.prefix}:lock:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      if ((await redis.set(name, token, 'PX', options.ttlMs, 'NX')) === 'OK') {
        return {
          release: async () => {
            await redis.eval(RELEASE_SCRIPT, 1, name, token);
          },
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(LOCK_POLL_MS, left));
    }
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
