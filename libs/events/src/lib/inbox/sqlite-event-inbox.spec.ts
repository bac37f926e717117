import { openSqlite } from '../store/sqlite-database';
import { describeEventInboxContract } from './event-inbox.contract';
import { SqliteEventInbox } from './sqlite-event-inbox';

describeEventInboxContract('SQLite', async () => {
  const db = openSqlite(':memory:');
  return { inbox: new SqliteEventInbox(db), dispose: async () => void db.close() };
});
