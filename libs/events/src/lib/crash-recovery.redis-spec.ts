import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisEventInbox } from './inbox/redis-event-inbox';
import { runCrashScenario } from './testing/crash-run';
import { deleteKeys, requireRedis, TEST_REDIS_URL, testRedisConnection } from './testing/redis-test-env';

jest.setTimeout(40_000);

beforeAll(async () => {
  await requireRedis();
});

describe('crash recovery (BullMQ + Redis inbox, SIGKILL mid-processing)', () => {
  it('brings every accepted event to a terminal state, none lost, each effect applied once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aia-crash-redis-'));
    const prefix = `aiacrash-${randomUUID().slice(0, 8)}`;
    const inbox = new RedisEventInbox(testRedisConnection(), prefix);
    try {
      const outcome = await runCrashScenario(dataDir, {
        count: 500,
        killAfter: 100,
        env: { CRASH_BACKEND: 'redis', CRASH_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL },
        openEvents: async () => {
          const { byState } = await inbox.stats();
          return byState.pending + byState.processing + byState.retrying;
        },
      });
      expect(outcome.openAtKill).toBeGreaterThan(0);
      expect(outcome.resumeExitCode).toBe(0);
      expect(outcome.final).toMatchObject({ done: 500, pending: 0, processing: 0, retrying: 0, dead: 0 });
      expect((await inbox.stats()).total).toBe(500);
      expect(outcome.distinctEffects).toBe(500);
      expect(outcome.redelivered).toBeGreaterThan(0);
    } finally {
      await inbox.close();
      await deleteKeys(`${prefix}:*`);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
