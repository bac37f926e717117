import Redis from 'ioredis';
import type { RedisConnection } from '../queue/redis-connection';
import { INTENT_TTL_MS } from './intent-log';
import type { IntentLog, IntentRecord } from './intent-log';

/** SET … GET: one atomic command writes this attempt's time and returns the previous one (Redis ≥ 6.2). */
export class RedisIntentLog implements IntentLog {
  private redis?: Redis;

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  private client(): Redis {
    return (this.redis ??= new Redis({ ...this.connection, maxRetriesPerRequest: 2 }));
  }

  async has(key: string): Promise<boolean> {
    return (await this.client().exists(`${this.prefix}:intent:${key}`)) === 1;
  }

  async record(key: string): Promise<IntentRecord> {
    const redis = this.client();
    const previous = await redis.set(
      `${this.prefix}:intent:${key}`,
      String(Date.now()),
      'PX',
      INTENT_TTL_MS,
      'GET',
    );
    return previous === null ? { first: true } : { first: false, previousAt: Number(previous) };
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
