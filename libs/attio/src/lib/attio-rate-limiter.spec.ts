import { ATTIO_POLICY } from '@aia/platform';
import { AttioStack, companyValues, startAttioStack } from '../testing/attio-stack.fixtures';

/**
 * The client-side limiter keeps a long burst of writes under Attio's documented 25 writes/s: the emulator,
 * at its default (documented) limits, never answers 429. About 21 s by design (500 / 25 per 1.05 s).
 */
describe('Attio client-side rate limiter', () => {
  let stack: AttioStack;
  afterAll(() => stack.close());

  it('completes 500 writes without a single 429 from the emulator at 25 writes/s', async () => {
    expect(ATTIO_POLICY.rateLimits.write.limit).toBe(25);
    // Emulator at Attio's documented limits; the client uses the module's real limiter settings.
    // Retries would hide a 429, so every attempt is checked on the wire below.
    stack = await startAttioStack({
      emulator: { readsPerSecond: 100, writesPerSecond: 25 },
      policy: { timeoutMs: ATTIO_POLICY.timeoutMs },
    });
    const record = await stack.client.createRecord('companies', companyValues(1));
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        stack.client.patchRecord('companies', record.id.record_id, { description: `write ${i}` }),
      ),
    );
    const elapsed = Date.now() - started;
    const writes = stack.calls.filter((c) => c.method === 'PATCH');
    expect(writes.filter((c) => c.status === 429)).toEqual([]);
    expect(writes.filter((c) => c.status !== 200)).toEqual([]);
    expect(writes).toHaveLength(500);
    // Close to the documented limit: 500 / 25 per 1.05 s ≈ 21 s, plus timer slack on a loaded machine.
    expect(elapsed).toBeGreaterThan(19_000);
    expect(elapsed).toBeLessThan(26_000);
  }, 40_000);
});
