// redisDurability on the local server: 'none' never sends WAITAOF; 'waitaof' waits for the AOF fsync after
// the inbox write where the server has it (Redis >= 7.2 with appendonly on) and is refused clearly where
// it does not (Debian's 7.0 here), before anything is written or acknowledged.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { webhookFixture } from './event-inbox.contract';
import { aofSupport } from './redis-aof-durability';
import { RedisEventInbox } from './redis-event-inbox';

let redis: Redis;
beforeAll(async () => {
  await requireRedis();
  redis = new Redis({ ...testRedisConnection(), maxRetriesPerRequest: 1 });
});
afterAll(() => redis.disconnect());

/** Times the server ran WAITAOF (0 where it has no such command). */
async function waitaofCalls(): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/cmdstat_waitaof:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('RedisEventInbox redisDurability', () => {
  const prefix = `aiatest-${randomUUID().slice(0, 8)}`;
  afterAll(() => deleteKeys(`${prefix}:*`));

  it("'none' stores and acknowledges without WAITAOF", async () => {
    const inbox = new RedisEventInbox(testRedisConnection(), prefix, { durability: 'none' });
    const before = await waitaofCalls();
    const { created } = await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
    expect(created).toBe(true);
    expect(await waitaofCalls()).toBe(before);
    await inbox.ping();
    await inbox.close();
  });

  it("'waitaof' is honoured where the server supports it and refused clearly where it does not", async () => {
    const support = aofSupport(`${await redis.info('server')}${await redis.info('persistence')}`);
    const inbox = new RedisEventInbox(testRedisConnection(), prefix, { durability: 'waitaof' });
    const webhook = webhookFixture();
    try {
      if (support.ok) {
        const before = await waitaofCalls();
        const first = await inbox.insert({ webhook, state: 'pending' });
        const repeat = await inbox.insert({ webhook, state: 'pending' });
        expect([first.created, repeat.created]).toEqual([true, false]);
        // Both answers waited for the fsync: the repeat too (the held event may be younger than a second).
        expect(await waitaofCalls()).toBe(before + 2);
        await inbox.ping();
      } else {
        // Debian's redis-server 7.0 on this machine: no WAITAOF. Refused before anything is written.
        console.info(`local Redis: ${support.reason}`);
        await expect(inbox.insert({ webhook, state: 'pending' })).rejects.toThrow(
          /redisDurability 'waitaof': (WAITAOF needs Redis >= 7\.2|appendonly is off)/,
        );
        expect(await redis.exists(`${prefix}:inbox:dedupe:${webhook.platform}:${webhook.eventId}`)).toBe(0);
        // Readiness reports it too.
        await expect(inbox.ping()).rejects.toThrow(/redisDurability 'waitaof'/);
      }
    } finally {
      await inbox.close();
    }
  });
});
