import { openSqlite } from '../store/sqlite-database';
import { intentLogContract } from './intent-log.contract';
import { SqliteIntentLog } from './sqlite-intent-log';

intentLogContract('SQLite', () => new SqliteIntentLog(openSqlite(':memory:')));

it('remembers across a reopened database file (a restart)', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'aia-intents-')), 'events.sqlite');
  const first = openSqlite(file);
  expect((await new SqliteIntentLog(first).record('sale:inv-1')).first).toBe(true);
  first.close();
  const again = openSqlite(file);
  expect((await new SqliteIntentLog(again).record('sale:inv-1')).first).toBe(false);
  again.close();
});

it('commits a record under synchronous=FULL and leaves the connection at NORMAL for other writes', async () => {
  // Reads the pragma on the log's own connection at the moment its upsert runs (as the inbox's durability spec).
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'aia-intents-')), 'events.sqlite'));
  const level = () => ({ 1: 'NORMAL', 2: 'FULL' })[db.pragma('synchronous', { simple: true }) as number];
  const seen: Array<string | undefined> = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const stmt = prepare(sql);
    if (!/^\s*INSERT INTO intents\b/.test(sql)) return stmt;
    const run = stmt.run.bind(stmt) as (...args: unknown[]) => unknown;
    (stmt as unknown as Record<string, unknown>)['run'] = (...args: unknown[]) => {
      seen.push(level());
      return run(...args);
    };
    return stmt;
  }) as typeof db.prepare;
  const log = new SqliteIntentLog(db);
  await log.record('invoice-charge:inv-1');
  await log.record('invoice-charge:inv-1');
  expect(seen).toEqual(['FULL', 'FULL']);
  // Claims, attempts and completions on the same connection keep NORMAL.
  expect(level()).toBe('NORMAL');
  db.close();
});
