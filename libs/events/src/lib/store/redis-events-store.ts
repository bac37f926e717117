import type { EventsModuleOptions } from '../events-options';
import { RedisEventInbox } from '../inbox/redis-event-inbox';
import { BullMqJobQueue } from '../queue/bullmq-job-queue';
import { redisConnectionOptions } from '../queue/redis-connection';
import type { EventsStore } from './events-store';
import type { RedisDurability } from '../inbox/redis-aof-durability';
import { RedisKeyedLock } from '../locks/redis-keyed-lock';
import { RedisIntentLog } from '../intents/redis-intent-log';

/** Several instances: BullMQ jobs and the inbox in Redis, so every instance sees every event. */
export function createRedisEventsStore(
  redisUrl: string,
  options: EventsModuleOptions,
  queueName: string,
): EventsStore {
  const connection = redisConnectionOptions(redisUrl);
  const prefix = options.redisPrefix ?? 'aia';
  const queue = new BullMqJobQueue(connection, options.queue, queueName, prefix);
  const durability: RedisDurability = options.redisDurability ?? 'none';
  const inbox = new RedisEventInbox(connection, prefix, { durability });
  const locks = new RedisKeyedLock(connection, prefix);
  const intents = new RedisIntentLog(connection, prefix);
  return {
    queue,
    inbox,
    locks,
    intents,
    async close() {
      await locks.close();
      await intents.close();
      await queue.close();
      await inbox.close();
    },
  };
}
