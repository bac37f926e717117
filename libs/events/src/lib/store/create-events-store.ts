import type { AppConfig } from '@aia/platform';
import type { EventsModuleOptions } from '../events-options';
import { RedisEventInbox } from '../inbox/redis-event-inbox';
import { SqliteEventInbox } from '../inbox/sqlite-event-inbox';
import { BullMqJobQueue } from '../queue/bullmq-job-queue';
import { redisConnectionOptions } from '../queue/redis-connection';
import { SqliteJobQueue } from '../queue/sqlite-job-queue';
import type { EventsStore } from './events-store';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { eventsDbPath, openSqlite } from './sqlite-database';

export const EVENTS_QUEUE_NAME = 'events';

/**
 * One instance: SQLite file in dataDir holds the inbox and the jobs (no setup). Several instances
 * (AppConfig.redisUrl set): BullMQ for the jobs and the inbox in Redis too, so every instance sees every
 * event and any worker can process any job (docs/events.md explains why).
 */
export function createEventsStore(config: AppConfig, options: EventsModuleOptions = {}): EventsStore {
  const backend =
    options.backend && options.backend !== 'auto' ? options.backend : config.redisUrl ? 'redis' : 'sqlite';
  if (backend === 'redis') {
    if (!config.redisUrl) throw new Error('the redis events backend needs REDIS_URL');
    const connection = redisConnectionOptions(config.redisUrl);
    const prefix = options.redisPrefix ?? 'aia';
    const queue = new BullMqJobQueue(connection, options.queue, EVENTS_QUEUE_NAME, prefix);
    const inbox = new RedisEventInbox(connection, prefix);
    return {
      queue,
      inbox,
      async close() {
        await queue.close();
        await inbox.close();
      },
    };
  }
  const file = eventsDbPath(config.dataDir);
  const db = openSqlite(file);
  const checkpointer = new SqliteCheckpointer(db, file);
  checkpointer.start();
  const queue = new SqliteJobQueue(db, options.queue, EVENTS_QUEUE_NAME);
  const inbox = new SqliteEventInbox(db);
  return {
    queue,
    inbox,
    async close() {
      await queue.close();
      await checkpointer.stop();
      if (db.open) db.close();
    },
  };
}
