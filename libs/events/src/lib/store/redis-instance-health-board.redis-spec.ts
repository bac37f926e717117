import type { InstanceSnapshot } from '@aia/platform';
import Redis from 'ioredis';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { RedisInstanceHealthBoard } from './redis-instance-health-board';

const PREFIX = `aia-instances-test-${process.pid}-${Date.now()}`;

function snapshot(role: string, pid: number): InstanceSnapshot {
  return {
    role,
    pid,
    hostname: 'host-a',
    startedAt: '2026-12-01T08:00:00.000Z',
    publishedAt: new Date().toISOString(),
    platforms: [{ platform: 'zoho', breaker: 'open', recentErrors: [], rateLimits: [] }],
  };
}

const byPid = (list: InstanceSnapshot[]) => [...list].sort((a, b) => a.pid - b.pid);

describe('RedisInstanceHealthBoard', () => {
  const boards: RedisInstanceHealthBoard[] = [];
  const board = (ttlMs?: number) => {
    const b = new RedisInstanceHealthBoard(testRedisConnection(), PREFIX, ttlMs);
    boards.push(b);
    return b;
  };

  beforeAll(() => requireRedis());
  afterEach(async () => {
    await Promise.all(boards.splice(0).map((b) => b.close()));
    await deleteKeys(`${PREFIX}:*`);
  });

  it('two processes publish; each lists both, under <prefix>:instances:<role>:<host>:<pid>', async () => {
    const web = board();
    const worker = board();
    const a = snapshot('web', 1001);
    const b = snapshot('worker', 1002);
    await web.publish(a);
    await worker.publish(b);
    expect(byPid(await web.list())).toEqual([a, b]);
    expect(byPid(await worker.list())).toEqual([a, b]);
    const redis = new Redis(testRedisConnection());
    try {
      const ttl = await redis.pttl(`${PREFIX}:instances:worker:host-a:1002`);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      redis.disconnect();
    }

    // A re-publish replaces the entry: still one per process.
    const again = { ...b, publishedAt: new Date(Date.now() + 1).toISOString() };
    await worker.publish(again);
    expect(byPid(await web.list())).toEqual([a, again]);
  });

  it('an entry not renewed within its TTL disappears', async () => {
    const lasting = board();
    const short = board(150);
    await lasting.publish(snapshot('web', 2001));
    await short.publish(snapshot('worker', 2002));
    expect((await lasting.list()).map((s) => s.pid).sort()).toEqual([2001, 2002]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await lasting.list()).map((s) => s.pid)).toEqual([2001]);
  });

  it('close() withdraws this process’s entry at once (graceful shutdown) and is idempotent', async () => {
    const web = board();
    const worker = board();
    await web.publish(snapshot('web', 3001));
    await worker.publish(snapshot('worker', 3002));
    await worker.close();
    await worker.close();
    expect((await web.list()).map((s) => s.pid)).toEqual([3001]);
    // A closed board publishes nothing more.
    await worker.publish(snapshot('worker', 3002));
    expect((await web.list()).map((s) => s.pid)).toEqual([3001]);
  });

  it('keys of another prefix are not listed', async () => {
    const other = new RedisInstanceHealthBoard(testRedisConnection(), `${PREFIX}-other`);
    try {
      await other.publish(snapshot('web', 4001));
      expect(await board().list()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
