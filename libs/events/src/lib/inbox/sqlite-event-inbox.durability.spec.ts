// "Stored before it is acknowledged" must hold across a power cut, not only a process crash: the inbox write
// commits with synchronous=FULL, and concurrent webhooks share one fsynced commit (group commit).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsDbPath, openSqlite } from '../store/sqlite-database';
import type { SqliteDb } from '../store/sqlite-database';
import { webhookFixture } from './event-inbox.contract';
import { SqliteEventInbox } from './sqlite-event-inbox';
import type { GroupCommit } from './sqlite-event-inbox';

const SYNCHRONOUS = { 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' } as Record<number, string>;

describe('SqliteEventInbox durability (synchronous=FULL, group commit)', () => {
  let dir: string;
  let db: SqliteDb;
  const open: SqliteDb[] = [];
  const count = (d: SqliteDb = db) =>
    (d.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aia-inbox-durability-'));
    db = openSqlite(eventsDbPath(dir));
    open.push(db);
  });
  afterEach(() => {
    for (const d of open.splice(0)) if (d.open) d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the inbox row under synchronous=FULL and leaves the connection at NORMAL for other writes', async () => {
    // Reads the pragma on the inbox's own connection at the moment its INSERT runs (no hook of the inbox needed).
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      const stmt = prepare(sql);
      if (!/^\s*INSERT INTO events\b/.test(sql)) return stmt;
      for (const method of ['get', 'run', 'all'] as const) {
        const original = stmt[method].bind(stmt) as (...args: unknown[]) => unknown;
        (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          seen.push(SYNCHRONOUS[db.pragma('synchronous', { simple: true }) as number]);
          return original(...args);
        };
      }
      return stmt;
    }) as typeof db.prepare;
    const inbox = new SqliteEventInbox(db);
    await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
    await Promise.all([1, 2, 3].map(() => inbox.insert({ webhook: webhookFixture(), state: 'pending' })));
    expect(seen).toEqual(['FULL', 'FULL', 'FULL', 'FULL']);
    // Job claims and attempt bookkeeping keep NORMAL: a lost one only runs a job again (at-least-once).
    expect(SYNCHRONOUS[db.pragma('synchronous', { simple: true }) as number]).toBe('NORMAL');
  });

  it('commits concurrent inserts together, one transaction for the group, each with its own result', async () => {
    const groups: GroupCommit[] = [];
    const inbox = new SqliteEventInbox(db, { onGroupCommit: (g) => groups.push(g) });
    const webhooks = Array.from({ length: 20 }, () => webhookFixture());
    const results = await Promise.all(webhooks.map((webhook) => inbox.insert({ webhook, state: 'pending' })));
    expect(results.map((r) => [r.created, r.event.eventId])).toEqual(webhooks.map((w) => [true, w.eventId]));
    expect(new Set(results.map((r) => r.event.id)).size).toBe(20);
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.length).toBeLessThan(20);
    expect(groups.reduce((n, g) => n + g.size, 0)).toBe(20);
    expect(count()).toBe(20);
  });

  it('with a window of 0, groups the inserts issued in the same turn of the event loop', async () => {
    const groups: GroupCommit[] = [];
    const inbox = new SqliteEventInbox(db, { groupCommitWindowMs: 0, onGroupCommit: (g) => groups.push(g) });
    await Promise.all(
      [1, 2, 3, 4, 5].map(() => inbox.insert({ webhook: webhookFixture(), state: 'pending' })),
    );
    await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
    // A group closed early (close()) must not disturb the pending immediate of the next one.
    const early = inbox.insert({ webhook: webhookFixture(), state: 'pending' });
    await inbox.close();
    await early;
    await Promise.all([1, 2].map(() => inbox.insert({ webhook: webhookFixture(), state: 'pending' })));
    expect(groups.map((g) => g.size)).toEqual([5, 1, 1, 2]);
    expect(count()).toBe(9);
  });

  it('reports a repeat delivery inside the same group as a duplicate of the first', async () => {
    const groups: GroupCommit[] = [];
    const inbox = new SqliteEventInbox(db, { onGroupCommit: (g) => groups.push(g) });
    const same = webhookFixture({ eventId: 'twice' });
    const [first, repeat, other] = await Promise.all([
      inbox.insert({ webhook: same, state: 'pending' }),
      inbox.insert({ webhook: same, state: 'pending' }),
      inbox.insert({ webhook: webhookFixture(), state: 'ignored' }),
    ]);
    expect(groups.map((g) => g.size)).toEqual([3]);
    expect(first.created).toBe(true);
    expect(repeat).toMatchObject({ created: false, event: { id: first.event.id, state: 'pending' } });
    expect(other).toMatchObject({ created: true, event: { state: 'ignored' } });
    expect(count()).toBe(2);
  });

  it('fails every waiter of a group whose transaction fails, stores none of it, and commits the next group', async () => {
    const inbox = new SqliteEventInbox(db);
    // A database error on one row of the group (an injected fault: a trigger that aborts that insert).
    db.exec(`CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.event_id = 'poison'
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    const outcomes = await Promise.allSettled([
      inbox.insert({ webhook: webhookFixture(), state: 'pending' }),
      inbox.insert({ webhook: webhookFixture({ eventId: 'poison' }), state: 'pending' }),
      inbox.insert({ webhook: webhookFixture(), state: 'pending' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const o of outcomes) expect(String((o as PromiseRejectedResult).reason)).toContain('injected fault');
    expect(count()).toBe(0);
    db.exec('DROP TRIGGER poison');
    await expect(inbox.insert({ webhook: webhookFixture(), state: 'pending' })).resolves.toMatchObject({
      created: true,
    });
    expect(count()).toBe(1);
    expect(SYNCHRONOUS[db.pragma('synchronous', { simple: true }) as number]).toBe('NORMAL');
  });

  it('fails every waiter when the commit step itself throws (injected through the commit hook)', async () => {
    let fail = true;
    const inbox = new SqliteEventInbox(db, {
      onGroupCommit: () => {
        if (fail) throw new Error('disk I/O error (injected)');
      },
    });
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map(() => inbox.insert({ webhook: webhookFixture(), state: 'pending' })),
    );
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(count()).toBe(0);
    fail = false;
    await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
    expect(count()).toBe(1);
  });

  it('acknowledges nothing before its group has committed', async () => {
    const other = new Database(eventsDbPath(dir), { readonly: true });
    open.push(other);
    const log: string[] = [];
    const inbox = new SqliteEventInbox(db, {
      groupCommitWindowMs: 40,
      onGroupCommit: (g) => log.push(`commit ${g.size}`),
    });
    let acknowledged = 0;
    const pending = [1, 2].map(() =>
      inbox.insert({ webhook: webhookFixture(), state: 'pending' }).then((r) => {
        // When a waiter hears back, its row is committed: another connection sees it.
        const visible = other.prepare('SELECT COUNT(*) AS n FROM events WHERE id = ?').get(r.event.id) as {
          n: number;
        };
        log.push(`ack visible=${visible.n}`);
        acknowledged++;
        return r;
      }),
    );
    await new Promise((r) => setTimeout(r, 15));
    // Inside the window: not committed, so not acknowledged (and not visible to anyone).
    expect(acknowledged).toBe(0);
    expect(count(other)).toBe(0);
    await Promise.all(pending);
    expect(log).toEqual(['commit 2', 'ack visible=1', 'ack visible=1']);
  });

  it('commits what is waiting when closed, so a shutdown loses no acknowledged write', async () => {
    const inbox = new SqliteEventInbox(db, { groupCommitWindowMs: 10_000 });
    const waiting = inbox.insert({ webhook: webhookFixture(), state: 'pending' });
    await inbox.close();
    await expect(waiting).resolves.toMatchObject({ created: true });
    expect(count()).toBe(1);
  });
});
