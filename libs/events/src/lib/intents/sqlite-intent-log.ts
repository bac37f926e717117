import type { SqliteDb } from '../store/sqlite-database';
import type { IntentLog, IntentRecord } from './intent-log';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS intents (
  key TEXT PRIMARY KEY,
  recorded_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** SQLite's `PRAGMA synchronous` levels. */
const SYNC_FULL = 2;

/**
 * One row per key in the embedded store's file; read and upsert in one transaction (atomic per file).
 *
 * Durability: a record commits with `synchronous=FULL` (the WAL fsynced at commit), like the inbox's
 * inserts (SqliteEventInbox): an intent is written just before a side effect that cannot be taken back (a
 * charge), so a power cut right after the first sale must not lose the record of it, or the next attempt would
 * skip the look-up that finds the sale. The rest of the connection's writes keep the level it was opened with.
 * No group commit: records come one per charge, each before a network call that dwarfs the fsync.
 */
export class SqliteIntentLog implements IntentLog {
  private readonly recordTx;
  private readonly exists;
  private readonly setSyncFull: string;
  private readonly restoreSync: string;

  constructor(private readonly db: SqliteDb) {
    db.exec(SCHEMA);
    const baseSync = db.pragma('synchronous', { simple: true }) as number;
    // Run with exec each time, never prepared: SQLite applies this pragma when compiling it (see the inbox).
    this.setSyncFull = `PRAGMA synchronous = ${Math.max(SYNC_FULL, baseSync)}`;
    this.restoreSync = `PRAGMA synchronous = ${baseSync}`;
    const read = db.prepare<[string], { recorded_at: number }>(
      'SELECT recorded_at FROM intents WHERE key = ?',
    );
    const upsert = db.prepare(
      'INSERT INTO intents (key, recorded_at) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET recorded_at = excluded.recorded_at',
    );
    this.exists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM intents WHERE key = ?');
    this.recordTx = db.transaction((key: string, now: number): IntentRecord => {
      const previous = read.get(key);
      upsert.run(key, now);
      return previous ? { first: false, previousAt: previous.recorded_at } : { first: true };
    });
  }

  async record(key: string): Promise<IntentRecord> {
    // Outside the transaction: SQLite refuses to change the level inside one.
    this.db.exec(this.setSyncFull);
    try {
      return this.recordTx.immediate(key, Date.now());
    } finally {
      this.db.exec(this.restoreSync);
    }
  }

  async has(key: string): Promise<boolean> {
    return this.exists.get(key) !== undefined;
  }

  async close(): Promise<void> {
    // The database is closed by the store.
  }
}
