import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHarness, runHarness } from './testing/crash-run';
import { eventsDbPath } from './store/sqlite-database';

jest.setTimeout(30_000);

describe('crash recovery (SQLite store, SIGKILL mid-processing)', () => {
  it('brings every accepted event to a terminal state exactly once in effect', async () => {
    const harness = await bundleHarness();
    const dataDir = mkdtempSync(join(tmpdir(), 'aia-crash-'));
    try {
      const first = runHarness(harness, [dataDir, 'ingest', '500']);
      await first.waitFor((m) => m['accepted'] === 500);
      await first.waitFor((m) => typeof m['processed'] === 'number' && m['processed'] >= 100);
      first.child.kill('SIGKILL');
      await first.exited;

      const before = new Database(eventsDbPath(dataDir), { readonly: true });
      const open = before.prepare(`SELECT COUNT(*) AS n FROM events WHERE state IN ('pending','processing','retrying')`).get() as { n: number };
      before.close();
      expect(open.n).toBeGreaterThan(0); // the kill really landed mid-processing

      const second = runHarness(harness, [dataDir, 'resume']);
      const report = await second.waitFor((m) => m['final'] !== undefined);
      expect(await second.exited).toBe(0);
      expect(report['final']).toMatchObject({ done: 500, pending: 0, processing: 0, retrying: 0, dead: 0 });

      const events = new Database(eventsDbPath(dataDir), { readonly: true });
      const stored = events.prepare(`SELECT COUNT(DISTINCT event_id) AS n FROM events`).get() as { n: number };
      events.close();
      const effects = new Database(join(dataDir, 'effects.sqlite'), { readonly: true });
      const applied = effects.prepare('SELECT COUNT(*) AS n FROM effects').get() as { n: number };
      const redelivered = effects
        .prepare('SELECT COUNT(*) AS n FROM (SELECT event_id FROM deliveries GROUP BY event_id HAVING COUNT(*) > 1)')
        .get() as { n: number };
      effects.close();
      expect(stored.n).toBe(500); // none lost
      expect(applied.n).toBe(500); // each effect applied once, though...
      expect(redelivered.n).toBeGreaterThan(0); // ...some events were delivered twice (at least once)
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
