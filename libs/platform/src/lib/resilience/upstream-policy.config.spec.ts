import { ATTIO_POLICY, BRAINTREE_POLICY, zohoPolicy } from './upstream-policy.config';

describe('platform policies', () => {
  it('Attio: 100 reads/s and 25 writes/s, counted separately', () => {
    expect(ATTIO_POLICY.rateLimits).toEqual({
      read: { limit: 100, windowMs: 1_000 },
      write: { limit: 25, windowMs: 1_000 },
    });
  });

  it('Zoho: one shared per-minute budget from config', () => {
    const policy = zohoPolicy(90);
    expect(policy.platform).toBe('zoho');
    expect(policy.rateLimits.shared).toEqual({ limit: 90, windowMs: 60_000 });
    expect(policy.rateLimits.read.limit).toBe(Infinity);
  });

  it.each([ATTIO_POLICY, zohoPolicy(100), BRAINTREE_POLICY])(
    '$platform policy is internally consistent',
    (policy) => {
      expect(policy.maxAttempts).toBeGreaterThanOrEqual(1);
      expect(policy.baseDelayMs).toBeLessThanOrEqual(policy.maxDelayMs);
      expect(policy.timeoutMs).toBeGreaterThan(0);
      expect(policy.breaker.consecutiveFailures).toBeGreaterThan(1);
    },
  );
});
