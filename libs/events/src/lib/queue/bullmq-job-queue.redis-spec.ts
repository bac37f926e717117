import { randomUUID } from 'node:crypto';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { BullMqJobQueue } from './bullmq-job-queue';
import { describeJobQueueContract } from './job-queue.contract';
import type { JobQueue, QueueTuning } from './job-queue';

const PREFIX = 'aiatest';

beforeAll(async () => {
  await requireRedis();
});

describeJobQueueContract('BullMQ on Redis', async () => {
  const name = `q-${randomUUID().slice(0, 8)}`;
  return {
    async create(tuning: Partial<QueueTuning> = {}) {
      return new BullMqJobQueue(testRedisConnection(), tuning, name, PREFIX);
    },
    async crash(q: JobQueue) {
      await (q as BullMqJobQueue).crashForTest();
    },
    async dispose() {
      await deleteKeys(`${PREFIX}:${name}:*`);
    },
  };
});
