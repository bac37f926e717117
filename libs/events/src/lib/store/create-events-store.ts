import type { AppConfig, InstanceHealthBoard } from '@aia/platform';
import type { EventsModuleOptions } from '../events-options';
import { SqliteEventInbox } from '../inbox/sqlite-event-inbox';
import { SqliteJobQueue } from '../queue/sqlite-job-queue';
import type { EventsStore } from './events-store';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { InProcessKeyedLock } from '../locks/in-process-keyed-lock';
import { redisConnectionOptions } from '../queue/redis-connection';
import { SqliteIntentLog } from '../intents/sqlite-intent-log';
import { eventsDbPath, openSqlite } from './sqlite-database';

export const EVENTS_QUEUE_NAME = 'events';

/**
 * One instance: SQLite file in dataDir holds the inbox and the jobs (no setup). Several instances
 * (AppConfig.redisUrl set): BullMQ for the jobs and the inbox in Redis too, so every instance sees every
 * event and any worker can process any job (docs/events.md explains why).
 */
export function createEventsStore(config: AppConfig, options: EventsModuleOptions = {}): EventsStore {
  if (eventsBackend(config, options) === 'redis') {
    if (!config.redisUrl) throw new Error('the redis events backend needs REDIS_URL');
    // Loaded on demand: bullmq and ioredis cost ~200 ms and ~20 MB at start-up (bench/startup), which a
    // single instance on SQLite never needs.
    const redis = require('./redis-events-store') as typeof import('./redis-events-store');
    return redis.createRedisEventsStore(config.redisUrl, options, EVENTS_QUEUE_NAME);
  }
  const file = eventsDbPath(config.dataDir);
  const db = openSqlite(file);
  const checkpointer = new SqliteCheckpointer(db, file);
  checkpointer.start();
  const queue = new SqliteJobQueue(db, options.queue, EVENTS_QUEUE_NAME);
  const inbox = new SqliteEventInbox(db);
  const locks = new InProcessKeyedLock();
  const intents = new SqliteIntentLog(db);
  return {
    queue,
    inbox,
    locks,
    intents,
    async close() {
      // First: inserts still in their group-commit window are committed, not dropped.
      await inbox.close();
      await locks.close();
      await queue.close();
      await checkpointer.stop();
      if (db.open) db.close();
    },
  };
}

function eventsBackend(config: AppConfig, options: EventsModuleOptions): 'redis' | 'sqlite' {
  if (options.backend && options.backend !== 'auto') return options.backend;
  return config.redisUrl ? 'redis' : 'sqlite';
}

/**
 * The instance health board every process shares when the events live in Redis (same connection settings and
 * key prefix); null on SQLite (one process: the platform's in-memory board serves).
 */
export function createInstanceHealthBoard(
  config: AppConfig,
  options: EventsModuleOptions = {},
): InstanceHealthBoard | null {
  if (eventsBackend(config, options) !== 'redis' || !config.redisUrl) return null;
  // Loaded on demand, as the Redis store.
  const { RedisInstanceHealthBoard } =
    require('./redis-instance-health-board') as typeof import('./redis-instance-health-board');
  return new RedisInstanceHealthBoard(redisConnectionOptions(config.redisUrl), options.redisPrefix ?? 'aia');
}
