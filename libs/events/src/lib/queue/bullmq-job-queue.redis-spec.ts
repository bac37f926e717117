import { randomUUID } from 'node:crypto';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { BullMqJobQueue } from './bullmq-job-queue';
import { describeJobQueueContract, FAST_TUNING, waitFor } from './job-queue.contract';
import type { JobLifecycleEvent, JobQueue, QueueTuning } from './job-queue';

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

describe('BullMqJobQueue specifics', () => {
  it('announces a job that stalled past the limit as a dead letter', async () => {
    const name = `q-${randomUUID().slice(0, 8)}`;
    const make = () =>
      new BullMqJobQueue(testRedisConnection(), { ...FAST_TUNING, leaseMs: 300 }, name, PREFIX);
    const hang = () => new Promise<void>(() => undefined);
    try {
      let id = '';
      // Two workers die while running the job: the first stall puts it back, the second is one too many.
      for (let i = 0; i < 2; i++) {
        const q = make();
        let started = false;
        q.process('stuck', async () => {
          started = true;
          await hang();
        });
        await q.start();
        if (!id) id = (await q.enqueue('stuck', {})).id;
        await waitFor(() => started, 8_000);
        await q.crashForTest();
      }
      const last = make();
      const dead: JobLifecycleEvent[] = [];
      last.onEvent((e) => e.type === 'dead' && dead.push(e));
      last.process('stuck', hang);
      await last.start();
      await waitFor(() => dead.length > 0, 8_000);
      expect(dead[0].job.id).toBe(id);
      expect((await last.get(id))?.state).toBe('dead');
      await last.close();
    } finally {
      await deleteKeys(`${PREFIX}:${name}:*`);
    }
  });
});
