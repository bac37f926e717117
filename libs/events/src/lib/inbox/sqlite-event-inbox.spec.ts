import { openSqlite } from '../store/sqlite-database';
import { describeEventInboxContract } from './event-inbox.contract';
import { SqliteEventInbox } from './sqlite-event-inbox';

describeEventInboxContract('SQLite', async () => {
  const db = openSqlite(':memory:');
  const count = (table: string) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    inbox: new SqliteEventInbox(db),
    // The unique (platform, event_id) index is the dedupe record and the events row its index entry.
    footprint: async () => {
      const events = count('events');
      return { events, attempts: count('event_attempts'), dedupe: events, indexed: events };
    },
    dispose: async () => void db.close(),
  };
});
