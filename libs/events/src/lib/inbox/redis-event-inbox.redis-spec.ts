import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { EVENT_STATES } from './stored-event';
import { deleteKeys, requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { describeEventInboxContract, webhookFixture } from './event-inbox.contract';
import type { InboxFootprint } from './event-inbox.contract';
import { RedisEventInbox } from './redis-event-inbox';

let redis: Redis;

beforeAll(async () => {
  await requireRedis();
  redis = new Redis({ ...testRedisConnection(), maxRetriesPerRequest: 1 });
});
afterAll(() => redis.disconnect());

/** Counts the inbox's keys under a prefix directly, and checks the per-state sets agree with `all`. */
async function footprint(prefix: string): Promise<InboxFootprint> {
  const k = (s: string) => `${prefix}:inbox:${s}`;
  const attKeys = await redis.keys(k('att:*'));
  let attempts = 0;
  for (const key of attKeys) attempts += await redis.hlen(key);
  const indexed = await redis.zcard(k('all'));
  let inStates = 0;
  for (const s of EVENT_STATES) inStates += await redis.zcard(k(`state:${s}`));
  if (inStates !== indexed) throw new Error(`state sets hold ${inStates} members, 'all' holds ${indexed}`);
  return {
    events: (await redis.keys(k('ev:*'))).length,
    attempts,
    dedupe: (await redis.keys(k('dedupe:*'))).length,
    indexed,
  };
}

const newPrefix = () => `aiatest-${randomUUID().slice(0, 8)}`;

describeEventInboxContract('Redis', async () => {
  const prefix = newPrefix();
  return {
    inbox: new RedisEventInbox(testRedisConnection(), prefix),
    footprint: () => footprint(prefix),
    dispose: () => deleteKeys(`${prefix}:*`),
  };
});

describe('RedisEventInbox across instances', () => {
  it('two instances changing one event at once neither lose an attempt nor split its state', async () => {
    const prefix = newPrefix();
    const a = new RedisEventInbox(testRedisConnection(), prefix);
    const b = new RedisEventInbox(testRedisConnection(), prefix);
    try {
      const { event } = await a.insert({ webhook: webhookFixture(), state: 'pending' });
      const numbers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).startAttempt(event.id)),
      );
      expect(new Set(numbers).size).toBe(30);
      expect(Math.max(...numbers)).toBe(30);
      await Promise.all([
        a.finishAttempt(event.id, 1, { state: 'done' }),
        b.finishAttempt(event.id, 2, { state: 'dead', error: { name: 'E', message: 'x', temporary: false } }),
        a.setState(event.id, 'discarded', { discardReason: 'r' }),
        b.setState(event.id, 'ignored'),
      ]);
      const detail = await b.get(event.id);
      expect(detail).toMatchObject({ attempts: 30 });
      expect(detail?.attemptLog.filter((x) => x.outcome !== 'running').map((x) => x.attempt)).toEqual([1, 2]);
      expect(await footprint(prefix)).toEqual({ events: 1, attempts: 30, dedupe: 1, indexed: 1 });
      expect((await a.stats()).byState[detail?.state ?? 'pending']).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await deleteKeys(`${prefix}:*`);
    }
  });

  it('a repeat delivery racing the prune of its event is stored anew, never under the pruned id', async () => {
    const prefix = newPrefix();
    const a = new RedisEventInbox(testRedisConnection(), prefix);
    const b = new RedisEventInbox(testRedisConnection(), prefix);
    try {
      const w = webhookFixture({ eventId: 'race' });
      for (let round = 0; round < 20; round++) {
        const { event } = await a.insert({ webhook: w, state: 'ignored' });
        const [, again] = await Promise.all([
          a.pruneTerminal(Date.now() + 1, 10),
          b.insert({ webhook: w, state: 'ignored' }),
        ]);
        if (again.created) expect(again.event.id).not.toBe(event.id);
        // Whatever the interleaving: one event at most, and the dedupe key names it.
        const fp = await footprint(prefix);
        expect(fp.events).toBe(fp.dedupe);
        const held = await redis.get(`${prefix}:inbox:dedupe:zoho:race`);
        if (held) expect(await a.get(held)).toBeDefined();
        await a.pruneTerminal(Date.now() + 1, 10);
      }
    } finally {
      await a.close();
      await b.close();
      await deleteKeys(`${prefix}:*`);
    }
  });
});
