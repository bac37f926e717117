import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type SqliteDb = Database.Database;
/** A transaction function built once with `db.transaction(fn)` (callable, with `.immediate()` etc.). */
export type SqliteTransaction<F extends (...args: never[]) => unknown> = Database.Transaction<F>;

/** The embedded store's file inside AppConfig.dataDir (the inbox and the jobs share it). */
export function eventsDbPath(dataDir: string): string {
  return join(dataDir, 'events.sqlite');
}

/**
 * Opens the embedded store: WAL so readers (admin API) never block the writer, NORMAL sync (durable
 * across process crashes; a power cut may lose the last transactions, acceptable for one small
 * instance), and a busy timeout so a second process sharing the file waits instead of failing.
 */
export function openSqlite(file: string): SqliteDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
