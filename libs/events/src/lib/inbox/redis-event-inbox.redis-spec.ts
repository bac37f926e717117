import { randomUUID } from 'node:crypto';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { describeEventInboxContract } from './event-inbox.contract';
import { RedisEventInbox } from './redis-event-inbox';

beforeAll(async () => {
  await requireRedis();
});

describeEventInboxContract('Redis', async () => {
  const prefix = `aiatest-${randomUUID().slice(0, 8)}`;
  return {
    inbox: new RedisEventInbox(testRedisConnection(), prefix),
    dispose: () => deleteKeys(`${prefix}:*`),
  };
});
