/** The part of a Redis connection both BullMQ and ioredis accept. */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

/**
 * REDIS_URL → connection *options*. BullMQ Queue/Worker get options, never a shared IORedis instance:
 * they then own and close their connections (a shared instance keeps jest, and shutdown, hanging).
 */
export function redisConnectionOptions(url: string): RedisConnection {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
