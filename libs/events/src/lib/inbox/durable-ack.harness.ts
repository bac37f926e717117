/*
 * Child program of sqlite-event-inbox.fsync.spec.ts (test-only, bundled by the spec, never exported):
 *   node durable-ack.js <sqlite file> <events>
 * Stores <events> webhooks through SqliteEventInbox, 10 at a time, and writes `ack <eventId>` to stdout (one
 * write(2) each) as each insert resolves, the moment the API would send its 200. Then waits to be killed.
 */
import { writeSync } from 'node:fs';
import { openSqlite } from '../store/sqlite-database';
import { SqliteEventInbox } from './sqlite-event-inbox';

async function main(): Promise<void> {
  const [file, events] = process.argv.slice(2);
  const inbox = new SqliteEventInbox(openSqlite(file));
  writeSync(1, `pid ${process.pid}\n`);
  const total = Number(events);
  for (let next = 0; next < total;) {
    const batch = Array.from({ length: Math.min(10, total - next) }, () => `evt-${next++}`);
    await Promise.all(
      batch.map((eventId) =>
        inbox
          .insert({
            webhook: {
              platform: 'zoho',
              eventId,
              type: 'invoice_created',
              payload: { event_id: eventId },
              rawBody: JSON.stringify({ event_id: eventId }),
              headers: {},
              receivedAt: new Date().toISOString(),
            },
            state: 'pending',
          })
          .then(() => writeSync(1, `ack ${eventId}\n`)),
      ),
    );
  }
  writeSync(1, 'done\n');
  setInterval(() => undefined, 60_000); // killed by the test, like a host that loses power
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
