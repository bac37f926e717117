/* One behaviour for both intent logs (test-only). */
import type { IntentLog } from './intent-log';

export function intentLogContract(name: string, create: () => Promise<IntentLog> | IntentLog): void {
  describe(`${name} IntentLog contract`, () => {
    it('answers first for the first record of a key only (also concurrently), then when the last was', async () => {
      const log = await create();
      try {
        const key = `contract-${Math.random().toString(36).slice(2)}`;
        expect(await log.has(key)).toBe(false);
        const before = Date.now();
        const answers = await Promise.all(Array.from({ length: 5 }, () => log.record(key)));
        expect(answers.filter((a) => a.first)).toHaveLength(1);
        const again = await log.record(key);
        expect(again.first).toBe(false);
        expect(await log.has(key)).toBe(true);
        expect(again.previousAt).toBeGreaterThanOrEqual(before);
        expect(again.previousAt).toBeLessThanOrEqual(Date.now());
        expect((await log.record(`${key}-other`)).first).toBe(true);
      } finally {
        await log.close();
      }
    });
  });
}
