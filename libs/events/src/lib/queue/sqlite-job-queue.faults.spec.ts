// The SQLite queue must never take the process down on a database error: lease renewal, the failure path
// and stop() report a queue fault (onFault → alert; ping() → readiness) and carry on.
// Faults are injected in SQL (triggers that abort exactly one kind of statement), so no test hook is needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpstreamError } from '@aia/platform';
import { openSqlite } from '../store/sqlite-database';
import type { SqliteDb } from '../store/sqlite-database';
import { sleep, waitFor } from './job-queue.contract';
import { SqliteJobQueue } from './sqlite-job-queue';

/** Renewal: an active job's lease_until moved while it stays active (claims start from waiting). */
const FAIL_RENEWAL = `CREATE TRIGGER fail_renewal BEFORE UPDATE OF lease_until ON jobs
  WHEN OLD.state = 'active' AND NEW.state = 'active' AND NEW.lease_until IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'injected fault: lease renewal'); END`;
/** The failure path: recording a handler's error (reclaims keep the old last_error). */
const FAIL_FAILURE_PATH = `CREATE TRIGGER fail_failure BEFORE UPDATE OF last_error ON jobs
  WHEN OLD.state = 'active' AND NEW.last_error LIKE '%flaky%'
  BEGIN SELECT RAISE(ABORT, 'injected fault: failure path'); END`;
/** stop() handing a running job back (the only update from active to waiting that touches attempts_made). */
const FAIL_RELEASE = `CREATE TRIGGER fail_release BEFORE UPDATE OF attempts_made ON jobs
  WHEN OLD.state = 'active' AND NEW.state = 'waiting'
  BEGIN SELECT RAISE(ABORT, 'injected fault: release'); END`;

describe('SqliteJobQueue under database faults', () => {
  let dir: string;
  let db: SqliteDb;
  const crashes: string[] = [];
  const onRejection = (reason: unknown) => crashes.push(`unhandledRejection: ${String(reason)}`);
  const onException = (err: unknown) => crashes.push(`uncaughtException: ${String(err)}`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aia-queue-faults-'));
    db = openSqlite(join(dir, 'events.sqlite'));
    crashes.length = 0;
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports failing lease renewals and a failing failure path, never crashes, and recovers once the database does', async () => {
    const q = new SqliteJobQueue(db, {
      concurrency: 4,
      maxAttempts: 5,
      leaseMs: 300,
      pollIntervalMs: 10,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    const faults: string[] = [];
    q.onFault((_err, context) => faults.push(context));
    const runs = new Map<string, number>();
    q.process('slow', async (job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(250); // outlives two renewals (every leaseMs / 3)
    });
    q.process('flaky', async (job) => {
      const n = (runs.get(job.id) ?? 0) + 1;
      runs.set(job.id, n);
      if (n === 1) throw new UpstreamError('zoho', 'unavailable', 'flaky upstream');
    });
    db.exec(FAIL_RENEWAL);
    db.exec(FAIL_FAILURE_PATH);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await q.enqueue('slow', { i })).id);
    for (let i = 0; i < 4; i++) ids.push((await q.enqueue('flaky', { i })).id);
    await q.start();

    await waitFor(() => faults.includes('job lease renewal') && faults.includes('job failure'), 5_000);
    // Readiness: the queue says it is unwell while a part of it keeps failing.
    await expect(q.ping()).rejects.toThrow(/job queue fault/);

    db.exec('DROP TRIGGER fail_renewal');
    db.exec('DROP TRIGGER fail_failure');
    // Jobs whose failure could not be recorded stay active under their lease, are reclaimed when it runs
    // out and run again; everything completes.
    await waitFor(async () => {
      const counts = await q.counts();
      return counts.completed === ids.length;
    }, 10_000);
    for (const id of ids.slice(6)) expect(runs.get(id)).toBeGreaterThanOrEqual(2);
    // Readiness comes back once the parts that failed work again: new work renews leases and records a
    // failure (the first run of a flaky job) without a fault.
    const more = [(await q.enqueue('slow', { i: 6 })).id, (await q.enqueue('flaky', { i: 4 })).id];
    await waitFor(async () => (await q.counts()).completed === ids.length + more.length, 5_000);
    await expect(q.ping()).resolves.toBeUndefined();
    await q.stop(1_000);
    expect(crashes).toEqual([]);
  });

  it('stops cleanly when handing running jobs back fails, reporting it', async () => {
    const q = new SqliteJobQueue(db, { concurrency: 2, leaseMs: 5_000, pollIntervalMs: 10 });
    const faults: string[] = [];
    q.onFault((_err, context) => faults.push(context));
    q.process('stuck', () => new Promise<void>(() => undefined));
    await q.start();
    const { id } = await q.enqueue('stuck', {});
    await waitFor(async () => (await q.get(id))?.state === 'active');
    db.exec(FAIL_RELEASE);
    await expect(q.stop(20)).resolves.toBeUndefined();
    expect(faults).toContain('job release');
    // Still active under its lease: another process takes it once the lease runs out.
    expect((await q.get(id))?.state).toBe('active');
    expect(crashes).toEqual([]);
  });

  it('keeps the process alive when its database is closed while jobs run, and stops cleanly', async () => {
    const q = new SqliteJobQueue(db, { concurrency: 4, leaseMs: 150, pollIntervalMs: 5 });
    const faults: string[] = [];
    q.onFault((_err, context) => faults.push(context));
    let started = 0;
    q.process('work', async (job) => {
      started++;
      await sleep(80);
      if ((job.data as { i: number }).i % 2) throw new Error('handler error after the close');
    });
    for (let i = 0; i < 12; i++) await q.enqueue('work', { i });
    await q.start();
    await waitFor(() => started >= 4);
    db.close();
    await sleep(300); // renewals, handler failures and successes all land on the closed connection
    await expect(q.stop(500)).resolves.toBeUndefined();
    await expect(q.ping()).rejects.toThrow();
    expect(crashes).toEqual([]);
  });
});
