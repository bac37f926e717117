/* Test-only helpers for the Redis suites (never exported from the package index). */
import Redis from 'ioredis';
import { redisConnectionOptions, RedisConnection } from '../queue/redis-connection';

export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function testRedisConnection(): RedisConnection {
  return redisConnectionOptions(TEST_REDIS_URL);
}

/** Fails (never skips) when Redis is absent: the Redis suite exists to prove the Redis adapter. */
export async function requireRedis(): Promise<void> {
  const redis = new Redis({
    ...testRedisConnection(),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis is required for this suite but ${TEST_REDIS_URL} did not answer (${err instanceof Error ? err.message : String(err)}). ` +
        `Install and start it: apt-get install -y redis-server && redis-server --port 6379 --daemonize yes`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis({ ...testRedisConnection(), maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    const keys = await redis.keys(pattern);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
