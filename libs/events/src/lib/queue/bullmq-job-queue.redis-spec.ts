import { randomUUID } from 'node:crypto';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { BullMqJobQueue } from './bullmq-job-queue';
import { describeJobQueueContract, FAST_TUNING, waitFor } from './job-queue.contract';
import type { JobLifecycleEvent, JobQueue, QueueTuning } from './job-queue';

const PREFIX = 'aiatest';

/** The crash seam: dies like a killed process (no lock renewal, no cleanup); production has no such method. */
class CrashableBullMqJobQueue extends BullMqJobQueue {
  async crash(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.closed = true;
    if (worker) await worker.close(true);
    await this.queue.close();
    this.redis.disconnect();
  }
}

beforeAll(async () => {
  await requireRedis();
});

describeJobQueueContract('BullMQ on Redis', async () => {
  const name = `q-${randomUUID().slice(0, 8)}`;
  return {
    async create(tuning: Partial<QueueTuning> = {}) {
      return new CrashableBullMqJobQueue(testRedisConnection(), tuning, name, PREFIX);
    },
    async crash(q: JobQueue) {
      await (q as CrashableBullMqJobQueue).crash();
    },
    async dispose() {
      await deleteKeys(`${PREFIX}:${name}:*`);
    },
  };
});

const hang = () => new Promise<void>(() => undefined);

/** Queues one 'stuck' job and lets `crashes` workers in turn take it and die while running it; returns its id. */
async function crashWhileRunning(make: () => CrashableBullMqJobQueue, crashes: number): Promise<string> {
  let id = '';
  for (let i = 0; i < crashes; i++) {
    const q = make();
    let started = false;
    q.process('stuck', async () => {
      started = true;
      await hang();
    });
    await q.start();
    if (!id) id = (await q.enqueue('stuck', {})).id;
    await waitFor(() => started, 8_000);
    await q.crash();
  }
  return id;
}

describe('BullMqJobQueue specifics', () => {
  it('announces a job that stalled past the limit (its attempt budget) as a dead letter', async () => {
    const name = `q-${randomUUID().slice(0, 8)}`;
    // Stalls are allowed up to maxAttempts (a job may live through as many crashes as it has attempts).
    const make = () =>
      new CrashableBullMqJobQueue(
        testRedisConnection(),
        { ...FAST_TUNING, maxAttempts: 1, leaseMs: 300 },
        name,
        PREFIX,
      );
    try {
      // Two workers die while running the job: the first stall puts it back, the second is one too many
      // for a job with a single attempt.
      const id = await crashWhileRunning(make, 2);
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
  }, 20_000);

  it('a job that lives through two crashes with attempts left still runs to completion (chaos-suite finding)', async () => {
    const name = `q-${randomUUID().slice(0, 8)}`;
    const make = () =>
      new CrashableBullMqJobQueue(
        testRedisConnection(),
        { ...FAST_TUNING, maxAttempts: 3, leaseMs: 300 },
        name,
        PREFIX,
      );
    try {
      const id = await crashWhileRunning(make, 2);
      const last = make();
      const outcomes: string[] = [];
      last.onEvent((e) => outcomes.push(e.type));
      last.process('stuck', async () => undefined);
      await last.start();
      await waitFor(() => outcomes.length > 0, 8_000);
      expect(outcomes[0]).toBe('completed');
      expect((await last.get(id))?.state).toBe('completed');
      await last.close();
    } finally {
      await deleteKeys(`${PREFIX}:${name}:*`);
    }
  }, 20_000);
});
