/* Shared behaviour of every JobQueue adapter; each adapter's spec calls describeJobQueueContract. */
import { UpstreamError } from '@aia/platform';
import { PermanentJobError } from './job-errors';
import { JobLifecycleEvent, JobQueue, JobRecord, QueueTuning } from './job-queue';

export interface QueueTestEnv {
  /** A queue over this env's shared store (a second call = a second process on the same store). */
  create(tuning?: Partial<QueueTuning>): Promise<JobQueue>;
  /** Kills a queue as a crash would: no cleanup, no lease/lock renewal from now on. */
  crash(queue: JobQueue): Promise<void>;
  dispose(): Promise<void>;
}

export const FAST_TUNING: Partial<QueueTuning> = {
  concurrency: 4,
  maxAttempts: 3,
  backoff: { baseMs: 60, maxMs: 1_000 },
  leaseMs: 400,
  pollIntervalMs: 10,
  keyRecheckMs: 15,
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

const stateOf = (q: JobQueue, id: string) => async () => (await q.get(id))?.state;
const unavailable = () => new UpstreamError('zoho', 'unavailable', 'HTTP 503');

export function describeJobQueueContract(label: string, newEnv: () => Promise<QueueTestEnv>): void {
  describe(`JobQueue contract: ${label}`, () => {
    let env: QueueTestEnv;
    const queues: JobQueue[] = [];
    const make = async (tuning: Partial<QueueTuning> = {}) => {
      const q = await env.create({ ...FAST_TUNING, ...tuning });
      queues.push(q);
      return q;
    };

    beforeEach(async () => {
      env = await newEnv();
    });
    afterEach(async () => {
      for (const q of queues.splice(0)) await q.close().catch(() => undefined);
      await env.dispose();
    });

    it('runs an enqueued job with its data and reports it completed', async () => {
      const q = await make();
      const seen: unknown[] = [];
      const events: JobLifecycleEvent[] = [];
      q.onEvent((e) => events.push(e));
      q.process<{ n: number }>('echo', async (job) => {
        seen.push(job.data);
      });
      await q.start();
      const { id, enqueued } = await q.enqueue('echo', { n: 7 });
      expect(enqueued).toBe(true);
      await waitFor(async () => (await stateOf(q, id)()) === 'completed');
      expect(seen).toEqual([{ n: 7 }]);
      expect(events.map((e) => e.type)).toEqual(['completed']);
    });

    it('does not enqueue a job whose id is already held, pending or completed', async () => {
      const q = await make();
      let runs = 0;
      q.process('once', async () => {
        runs++;
      });
      expect((await q.enqueue('once', {}, { id: 'dup-1', delayMs: 100 })).enqueued).toBe(true);
      expect((await q.enqueue('once', {}, { id: 'dup-1' })).enqueued).toBe(false);
      await q.start();
      await waitFor(async () => (await stateOf(q, 'dup-1')()) === 'completed');
      expect((await q.enqueue('once', {}, { id: 'dup-1' })).enqueued).toBe(false);
      await sleep(100);
      expect(runs).toBe(1);
    });

    it('runs the jobs of one key one at a time, in order, while other keys run alongside', async () => {
      const q = await make({ concurrency: 4 });
      const log: Array<{ key: string; n: number; start: number; end: number }> = [];
      q.process<{ key: string; n: number }>('keyed', async (job) => {
        const start = Date.now();
        await sleep(25);
        log.push({ ...job.data, start, end: Date.now() });
      });
      for (let n = 0; n < 4; n++) {
        await q.enqueue('keyed', { key: 'invoice-1', n }, { key: 'invoice-1' });
        await q.enqueue('keyed', { key: 'invoice-2', n }, { key: 'invoice-2' });
      }
      await q.start();
      await waitFor(() => log.length === 8, 8_000);
      for (const key of ['invoice-1', 'invoice-2']) {
        const mine = log.filter((l) => l.key === key);
        expect(mine.map((l) => l.n)).toEqual([0, 1, 2, 3]);
        for (let i = 1; i < mine.length; i++) expect(mine[i].start).toBeGreaterThanOrEqual(mine[i - 1].end);
      }
      const a = log.filter((l) => l.key === 'invoice-1');
      const b = log.filter((l) => l.key === 'invoice-2');
      const overlapped = a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
      expect(overlapped).toBe(true);
    });

    it('retries a temporary failure with growing backoff, then completes', async () => {
      const q = await make({ maxAttempts: 4, backoff: { baseMs: 80, maxMs: 2_000 } });
      const calls: number[] = [];
      q.process('flaky', async () => {
        calls.push(Date.now());
        if (calls.length < 3) throw unavailable();
      });
      await q.start();
      const { id } = await q.enqueue('flaky', {});
      await waitFor(async () => (await stateOf(q, id)()) === 'completed');
      expect(calls).toHaveLength(3);
      const gap1 = calls[1] - calls[0];
      const gap2 = calls[2] - calls[1];
      expect(gap1).toBeGreaterThanOrEqual(80 * 0.75 - 5);
      expect(gap2).toBeGreaterThanOrEqual(160 * 0.75 - 5);
      expect((await q.get(id))?.attemptsMade).toBe(3);
    });

    it('holds a delayed job until its time', async () => {
      const q = await make();
      let ranAt = 0;
      q.process('later', async () => {
        ranAt = Date.now();
      });
      await q.start();
      const enqueuedAt = Date.now();
      const { id } = await q.enqueue('later', {}, { delayMs: 300 });
      expect(await stateOf(q, id)()).toBe('delayed');
      await waitFor(async () => (await stateOf(q, id)()) === 'completed');
      expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(290);
    });

    it('dead-letters a job after its last attempt and announces it', async () => {
      const q = await make({ maxAttempts: 2, backoff: { baseMs: 20, maxMs: 100 } });
      const dead: JobRecord[] = [];
      q.onEvent((e) => e.type === 'dead' && dead.push(e.job));
      let calls = 0;
      q.process('doomed', async () => {
        calls++;
        throw unavailable();
      });
      await q.start();
      const { id } = await q.enqueue('doomed', { x: 1 });
      await waitFor(async () => (await stateOf(q, id)()) === 'dead');
      expect(calls).toBe(2);
      const job = await q.get(id);
      expect(job?.lastError).toMatch(/HTTP 503/);
      await waitFor(() => dead.length === 1);
      expect(dead[0].id).toBe(id);
      const page = await q.list({ state: 'dead' });
      expect(page.items.map((j) => j.id)).toEqual([id]);
      expect((await q.counts()).dead).toBe(1);
    });

    it('dead-letters at once on a permanent error', async () => {
      const q = await make({ maxAttempts: 5 });
      let calls = 0;
      q.process('bad', async (job) => {
        calls++;
        if ((job.data as { kind: string }).kind === 'permanent')
          throw new PermanentJobError('no such invoice');
        throw new UpstreamError('attio', 'validation', 'HTTP 400');
      });
      await q.start();
      const a = await q.enqueue('bad', { kind: 'permanent' });
      const b = await q.enqueue('bad', { kind: 'validation' });
      await waitFor(
        async () => (await stateOf(q, a.id)()) === 'dead' && (await stateOf(q, b.id)()) === 'dead',
      );
      expect(calls).toBe(2);
    });

    it('retries a dead letter by hand, with fresh attempts', async () => {
      const q = await make({ maxAttempts: 1 });
      let fail = true;
      q.process('fixable', async () => {
        if (fail) throw unavailable();
      });
      await q.start();
      const { id } = await q.enqueue('fixable', {});
      await waitFor(async () => (await stateOf(q, id)()) === 'dead');
      fail = false;
      expect(await q.retry(id)).toBe(true);
      await waitFor(async () => (await stateOf(q, id)()) === 'completed');
      expect((await q.get(id))?.attemptsMade).toBe(1);
      expect(await q.retry('no-such-job')).toBe(false);
    });

    it('discards a pending job with a reason, and can bring it back', async () => {
      const q = await make();
      let runs = 0;
      q.process('maybe', async () => {
        runs++;
      });
      await q.start();
      const { id } = await q.enqueue('maybe', {}, { delayMs: 150 });
      expect(await q.discard(id, 'customer cancelled')).toBe(true);
      const job = await q.get(id);
      expect(job?.state).toBe('discarded');
      expect(job?.discardReason).toBe('customer cancelled');
      await sleep(250);
      expect(runs).toBe(0);
      expect((await q.list({ state: 'discarded' })).total).toBe(1);
      expect((await q.enqueue('maybe', {}, { id })).enqueued).toBe(false);
      expect(await q.retry(id)).toBe(true);
      await waitFor(async () => (await stateOf(q, id)()) === 'completed');
      expect(runs).toBe(1);
      expect(await q.discard(id, 'too late')).toBe(false);
    });

    it('lists jobs by state and name, paged', async () => {
      const q = await make();
      for (let i = 0; i < 5; i++) await q.enqueue('a', { i }, { delayMs: 5_000 });
      await q.enqueue('b', {}, { delayMs: 5_000 });
      const page = await q.list({ state: 'delayed', name: 'a', limit: 2, offset: 2 });
      expect(page.total).toBe(5);
      expect(page.items).toHaveLength(2);
      expect(page.items.every((j) => j.name === 'a' && j.state === 'delayed')).toBe(true);
      expect((await q.counts()).delayed).toBe(6);
    });

    it('lets running jobs finish when stopped', async () => {
      const q = await make();
      let finished = false;
      q.process('slow', async () => {
        await sleep(150);
        finished = true;
      });
      await q.start();
      const { id } = await q.enqueue('slow', {});
      await waitFor(async () => (await stateOf(q, id)()) === 'active');
      await q.stop(2_000);
      expect(finished).toBe(true);
      expect(await stateOf(q, id)()).toBe('completed');
    });

    it('runs a job again after its worker crashed mid-run, once the lease expires', async () => {
      const first = await make({ leaseMs: 300 });
      let firstStarted = false;
      first.process('crashy', async () => {
        firstStarted = true;
        await new Promise(() => undefined); // never ends: the process "dies" while running it
      });
      await first.start();
      const { id } = await first.enqueue('crashy', { invoice: 'inv-1' }, { key: 'inv-1' });
      await waitFor(() => firstStarted);
      await env.crash(first);
      queues.splice(queues.indexOf(first), 1);

      const second = await make({ leaseMs: 300 });
      const seen: JobRecord[] = [];
      second.process('crashy', async (job) => {
        seen.push(job);
      });
      await second.start();
      await waitFor(async () => (await stateOf(second, id)()) === 'completed', 8_000);
      expect(seen).toHaveLength(1);
      expect(seen[0].data).toEqual({ invoice: 'inv-1' });
      // SQLite counts the lost run as an attempt (2); BullMQ counts stalls apart (maxStalledCount) and says 1.
      expect(seen[0].attemptsMade).toBeGreaterThanOrEqual(1);
      expect(seen[0].attemptsMade).toBeLessThanOrEqual(2);
    });
  });
}
