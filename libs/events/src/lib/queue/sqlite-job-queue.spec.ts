import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, SqliteDb } from '../store/sqlite-database';
import { describeJobQueueContract, FAST_TUNING, sleep, waitFor } from './job-queue.contract';
import { JobQueue } from './job-queue';
import { SqliteJobQueue } from './sqlite-job-queue';

function sqliteEnv() {
  const dir = mkdtempSync(join(tmpdir(), 'aia-queue-'));
  const file = join(dir, 'events.sqlite');
  const dbs = new Map<JobQueue, SqliteDb>();
  return {
    file,
    async create(tuning = {}) {
      const db = openSqlite(file);
      const q = new SqliteJobQueue(db, tuning);
      dbs.set(q, db);
      const close = q.close.bind(q);
      q.close = async () => {
        await close();
        if (db.open) db.close();
      };
      return q;
    },
    async crash(q: JobQueue) {
      // A dead process stops renewing its leases; closing its connection does exactly that here.
      dbs.get(q)?.close();
    },
    async dispose() {
      for (const db of dbs.values()) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeJobQueueContract('SQLite', async () => sqliteEnv());

describe('SqliteJobQueue specifics', () => {
  it('reports a failing poll loop to fault listeners instead of only logging it', async () => {
    const env = sqliteEnv();
    const db = openSqlite(env.file);
    const q = new SqliteJobQueue(db, FAST_TUNING);
    const faults: string[] = [];
    q.onFault((_err, context) => faults.push(context));
    q.process('noop', async () => undefined);
    await q.start();
    db.exec(`DROP TABLE jobs`);
    await waitFor(() => faults.length > 0);
    expect(faults[0]).toBe('job queue poll');
    await q.stop(0);
    db.close();
    await env.dispose();
  });

  it('hands a job still running at the end of the grace period back to the queue at once', async () => {
    const env = sqliteEnv();
    const q = await env.create(FAST_TUNING);
    q.process('stuck', () => new Promise<void>(() => undefined));
    await q.start();
    const { id } = await q.enqueue('stuck', {});
    await waitFor(async () => (await q.get(id))?.state === 'active');
    await q.stop(30);
    const job = await q.get(id);
    expect(job?.state).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);
    await q.close();

    const next = await env.create({ ...FAST_TUNING, leaseMs: 60_000 });
    let ran = false;
    next.process('stuck', async () => {
      ran = true;
    });
    await next.start();
    await waitFor(async () => (await next.get(id))?.state === 'completed', 2_000);
    expect(ran).toBe(true);
    await next.close();
    await env.dispose();
  });

  it('marks finished jobs completed (in the next claim transaction) before announcing them', async () => {
    const env = sqliteEnv();
    const db = openSqlite(env.file);
    const q = new SqliteJobQueue(db, { ...FAST_TUNING, concurrency: 4 });
    const stateInDb = (id: string) =>
      (db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string }).state;
    const seenAtEvent: string[] = [];
    q.onEvent((e) => seenAtEvent.push(`${e.type}:${stateInDb(e.job.id)}`));
    q.process('quick', async () => undefined);
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await q.enqueue('quick', {})).id);
    await q.start();
    await waitFor(() => seenAtEvent.length === ids.length);
    expect(seenAtEvent).toEqual(ids.map(() => 'completed:completed'));
    await q.stop(0);
    db.close();
    await env.dispose();
  });

  it('reports a completion it cannot commit at stop as a fault, and still stops', async () => {
    const env = sqliteEnv();
    const db = openSqlite(env.file);
    const q = new SqliteJobQueue(db, FAST_TUNING);
    const faults: string[] = [];
    q.onFault((_err, context) => faults.push(context));
    let finish: () => void = () => undefined;
    q.process('held', () => new Promise<void>((resolve) => (finish = resolve)));
    await q.start();
    const { id } = await q.enqueue('held', {});
    await waitFor(async () => (await q.get(id))?.state === 'active');
    const stopping = q.stop(2_000);
    db.exec('DROP TABLE jobs');
    finish();
    await expect(stopping).resolves.toBeUndefined();
    expect(faults).toEqual(['job completion']);
    db.close();
    await env.dispose();
  });

  it('keeps jobs on disk across a reopen', async () => {
    const env = sqliteEnv();
    const q = await env.create(FAST_TUNING);
    await q.enqueue('persisted', { a: 1 }, { id: 'p-1' });
    await q.close();
    const again = await env.create(FAST_TUNING);
    expect((await again.get('p-1'))?.data).toEqual({ a: 1 });
    await again.close();
    await sleep(1);
    await env.dispose();
  });
});
