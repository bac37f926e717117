import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashScenario } from './testing/crash-run';
import { eventsDbPath } from './store/sqlite-database';

jest.setTimeout(30_000);

describe('crash recovery (SQLite store, SIGKILL mid-processing)', () => {
  it('brings every accepted event to a terminal state, none lost, each effect applied once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aia-crash-'));
    try {
      const outcome = await runCrashScenario(dataDir, {
        count: 500,
        killAfter: 100,
        openEvents: async () => {
          const db = new Database(eventsDbPath(dataDir), { readonly: true });
          const { n } = db
            .prepare(`SELECT COUNT(*) AS n FROM events WHERE state IN ('pending','processing','retrying')`)
            .get() as { n: number };
          db.close();
          return n;
        },
      });
      expect(outcome.openAtKill).toBeGreaterThan(0); // the kill really landed mid-processing
      expect(outcome.resumeExitCode).toBe(0);
      expect(outcome.final).toMatchObject({ done: 500, pending: 0, processing: 0, retrying: 0, dead: 0 });
      const db = new Database(eventsDbPath(dataDir), { readonly: true });
      expect((db.prepare('SELECT COUNT(DISTINCT event_id) AS n FROM events').get() as { n: number }).n).toBe(
        500,
      );
      db.close();
      expect(outcome.distinctEffects).toBe(500); // each effect applied once, though...
      expect(outcome.redelivered).toBeGreaterThan(0); // ...some events ran twice (at-least-once delivery)
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
