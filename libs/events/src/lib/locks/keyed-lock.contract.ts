/* One behaviour for both lock adapters (test-only; run by the in-process and the Redis suites). */
import type { KeyedLock } from './keyed-lock';
import { withKeyedLock } from './keyed-lock';

export function keyedLockContract(name: string, create: () => Promise<KeyedLock> | KeyedLock): void {
  describe(`${name} KeyedLock contract`, () => {
    let lock: KeyedLock;
    const key = () => `contract-${Math.random().toString(36).slice(2)}`;

    beforeEach(async () => {
      lock = await create();
    });
    afterEach(() => lock.close());

    it('lets one holder in at a time per key and the next in after release', async () => {
      const k = key();
      const first = await lock.acquire(k, { ttlMs: 5_000, waitMs: 0 });
      expect(first).toBeDefined();
      expect(await lock.acquire(k, { ttlMs: 5_000, waitMs: 100 })).toBeUndefined();
      expect(await lock.acquire(key(), { ttlMs: 5_000, waitMs: 0 })).toBeDefined();
      const waiting = lock.acquire(k, { ttlMs: 5_000, waitMs: 2_000 });
      await first?.release();
      expect(await waiting).toBeDefined();
    });

    it('frees a lock whose holder never released it once its ttl passes', async () => {
      const k = key();
      expect(await lock.acquire(k, { ttlMs: 150, waitMs: 0 })).toBeDefined();
      expect(await lock.acquire(k, { ttlMs: 5_000, waitMs: 1_000 })).toBeDefined();
    });

    it('a stale handle cannot release a lock another holder took after its ttl', async () => {
      const k = key();
      const stale = await lock.acquire(k, { ttlMs: 100, waitMs: 0 });
      const fresh = await lock.acquire(k, { ttlMs: 5_000, waitMs: 1_000 });
      expect(fresh).toBeDefined();
      await stale?.release();
      expect(await lock.acquire(k, { ttlMs: 5_000, waitMs: 50 })).toBeUndefined();
    });

    it('withKeyedLock runs concurrent callers one after the other, or answers busy()', async () => {
      const k = key();
      const order: string[] = [];
      const run = (id: string) =>
        withKeyedLock(
          lock,
          k,
          { ttlMs: 5_000, waitMs: 2_000 },
          async () => {
            order.push(`${id}:in`);
            await new Promise((r) => setTimeout(r, 50));
            order.push(`${id}:out`);
            return id;
          },
          () => 'busy',
        );
      expect(await Promise.all([run('a'), run('b')])).toEqual(['a', 'b']);
      expect(order).toEqual(['a:in', 'a:out', 'b:in', 'b:out']);
      const held = await lock.acquire(k, { ttlMs: 5_000, waitMs: 0 });
      expect(
        await withKeyedLock(
          lock,
          k,
          { ttlMs: 5_000, waitMs: 20 },
          async () => 'ran',
          () => 'busy',
        ),
      ).toBe('busy');
      await held?.release();
    });
  });
}
