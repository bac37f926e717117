import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { PolicyRegistry } from '../resilience/policy-registry';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { testDeps, testPolicyConfig } from '../resilience/upstream-policy.fixtures';
import { loadAppConfig } from '../config/app-config.schema';
import { InMemoryInstanceHealthBoard } from './instance-health-board';
import type { InstanceHealthBoard, InstanceSnapshot } from './instance-health-board';
import { INSTANCE_PUBLISH_INTERVAL_MS, InstanceHealthPublisher } from './instance-health.publisher';

function snapshot(overrides: Partial<InstanceSnapshot> = {}): InstanceSnapshot {
  return {
    role: 'worker',
    pid: 101,
    hostname: 'host-a',
    startedAt: '2026-12-01T08:00:00.000Z',
    publishedAt: '2026-12-01T10:00:00.000Z',
    platforms: [],
    ...overrides,
  };
}

describe('InMemoryInstanceHealthBoard', () => {
  it('lists nothing before a publish, then the latest snapshot only, and nothing once closed', async () => {
    const board = new InMemoryInstanceHealthBoard();
    expect(await board.list()).toEqual([]);
    await board.publish(snapshot({ publishedAt: '2026-12-01T10:00:00.000Z' }));
    await board.publish(snapshot({ publishedAt: '2026-12-01T10:00:10.000Z' }));
    expect(await board.list()).toEqual([snapshot({ publishedAt: '2026-12-01T10:00:10.000Z' })]);
    await board.close();
    expect(await board.list()).toEqual([]);
  });
});

describe('InstanceHealthPublisher', () => {
  function registry(): PolicyRegistry {
    const policies = new PolicyRegistry();
    policies.register(new UpstreamPolicy(testPolicyConfig({ platform: 'attio' }), testDeps()));
    return policies;
  }

  afterEach(() => jest.useRealTimers());

  it('without a shared board: this process alone, with its role, host, pid and platforms', async () => {
    const publisher = new InstanceHealthPublisher(
      registry(),
      loadAppConfig({ APP_ROLE: 'web', REDIS_URL: 'redis://127.0.0.1:6379' }),
    );
    publisher.onApplicationBootstrap();
    try {
      const [self, ...rest] = await publisher.instances();
      expect(rest).toEqual([]);
      expect(self).toMatchObject({ role: 'web', pid: process.pid, hostname: hostname() });
      expect(self.platforms.map((p) => p.platform)).toEqual(['attio']);
    } finally {
      await publisher.onApplicationShutdown();
    }
  });

  it('publishes at start and every interval (timer unref’d), lists the others plus a fresh self, withdraws on shutdown', async () => {
    jest.useFakeTimers();
    const published: InstanceSnapshot[] = [];
    const other = snapshot({ role: 'worker', hostname: 'zz-host', pid: 1 });
    let stale: InstanceSnapshot | undefined;
    const board: InstanceHealthBoard = {
      publish: jest.fn(async (s: InstanceSnapshot) => {
        published.push(s);
        stale = { ...s, publishedAt: '2000-01-01T00:00:00.000Z' };
      }),
      list: jest.fn(async () => [other, ...(stale ? [stale] : [])]),
      close: jest.fn(async () => undefined),
    };
    const publisher = new InstanceHealthPublisher(registry(), undefined, board);
    publisher.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(published).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(INSTANCE_PUBLISH_INTERVAL_MS);
    expect(published).toHaveLength(2);
    expect(published[1]).toMatchObject({ role: 'all', pid: process.pid, hostname: hostname() });

    const list = await publisher.instances();
    // Sorted by role, host, pid; this process once, with its fresh snapshot rather than the published one.
    expect(list.map((s) => `${s.role}:${s.hostname}:${s.pid}`)).toEqual([
      `all:${hostname()}:${process.pid}`,
      'worker:zz-host:1',
    ]);
    expect(list[0].publishedAt).not.toBe('2000-01-01T00:00:00.000Z');

    await publisher.onApplicationShutdown();
    expect(board.close).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(INSTANCE_PUBLISH_INTERVAL_MS * 3);
    expect(published).toHaveLength(2);
  });

  it('a failing board is logged at warn at most once a minute, never thrown; listing falls back to self', async () => {
    jest.useFakeTimers();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const board: InstanceHealthBoard = {
      publish: async () => Promise.reject(new Error('redis down')),
      list: async () => Promise.reject(new Error('redis down')),
      close: async () => Promise.reject(new Error('redis down')),
    };
    const publisher = new InstanceHealthPublisher(registry(), undefined, board);
    try {
      publisher.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(INSTANCE_PUBLISH_INTERVAL_MS * 3);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toContain('redis down');
      expect((await publisher.instances()).map((s) => s.pid)).toEqual([process.pid]);
      expect(warn).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(warn).toHaveBeenCalledTimes(2);
      await expect(publisher.onApplicationShutdown()).resolves.toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });
});
