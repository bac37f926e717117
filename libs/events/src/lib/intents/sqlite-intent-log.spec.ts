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
