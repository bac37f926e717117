import type { SqliteDb } from '../store/sqlite-database';
import type { IntentLog, IntentRecord } from './intent-log';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS intents (
  key TEXT PRIMARY KEY,
  recorded_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** One row per key in the embedded store's file; read and upsert in one transaction (atomic per file). */
export class SqliteIntentLog implements IntentLog {
  private readonly recordTx;
  private readonly exists;

  constructor(db: SqliteDb) {
    db.exec(SCHEMA);
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
    return this.recordTx.immediate(key, Date.now());
  }

  async has(key: string): Promise<boolean> {
    return this.exists.get(key) !== undefined;
  }

  async close(): Promise<void> {
    // The database is closed by the store.
  }
}
