import { PolicyRegistry } from './policy-registry';
import { RECENT_FAILURES, UpstreamPolicy } from './upstream-policy';
import { connectionRefused, testDeps, testPolicyConfig, upstreamError } from './upstream-policy.fixtures';

describe('UpstreamPolicy.snapshot', () => {
  it('reports the breaker, failed attempts newest first (no payloads) and rate-limit use, on the policy clock', async () => {
    const deps = testDeps();
    const policy = new UpstreamPolicy(
      testPolicyConfig({
        maxAttempts: 2,
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 1_000 },
        rateLimits: {
          read: { limit: 10, windowMs: 1_000 },
          write: { limit: Infinity, windowMs: 1_000 },
          shared: { limit: 100, windowMs: 60_000 },
        },
      }),
      deps,
    );
    deps.time.advance(Date.parse('2026-01-05T10:00:00Z'));
    await policy.read('getRecord', async () => 'ok');
    await policy
      .read('findRecord', () =>
        Promise.reject(upstreamError('not_found', { status: 404, code: 'not_found' })),
      )
      .catch(() => undefined);
    // Two unavailable attempts in one call (retry after a backoff): both recorded, and they open the breaker.
    await policy.read('listRecords', () => Promise.reject(connectionRefused())).catch(() => undefined);

    const snap = policy.snapshot();
    expect(snap.platform).toBe('attio');
    expect(snap.breaker).toBe('open');
    expect(snap.recentErrors).toEqual([
      { at: expect.any(String), operation: 'listRecords', outcome: 'unavailable', code: 'ECONNREFUSED' },
      {
        at: '2026-01-05T10:00:00.000Z',
        operation: 'listRecords',
        outcome: 'unavailable',
        code: 'ECONNREFUSED',
      },
      {
        at: '2026-01-05T10:00:00.000Z',
        operation: 'findRecord',
        outcome: 'not_found',
        status: 404,
        code: 'not_found',
      },
    ]);
    // The retry waited its backoff on the virtual clock: the newest failure is later.
    expect(Date.parse(snap.recentErrors[0].at)).toBeGreaterThan(Date.parse(snap.recentErrors[1].at));
    expect(snap.rateLimits).toEqual([
      { kind: 'read', limit: 10, windowMs: 1_000, used: 4, headroom: 6 },
      { kind: 'write', limit: null, windowMs: 1_000, used: 0, headroom: null },
      { kind: 'shared', limit: 100, windowMs: 60_000, used: 4, headroom: 96 },
    ]);

    deps.time.advance(1_000);
    expect(policy.snapshot()).toMatchObject({
      breaker: 'half_open',
      rateLimits: [{ kind: 'read', used: 0, headroom: 10 }, { kind: 'write' }, { kind: 'shared', used: 4 }],
    });
  });

  it(`keeps only the latest ${RECENT_FAILURES} failures`, async () => {
    const deps = testDeps();
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 1 }), deps);
    for (let i = 0; i < RECENT_FAILURES + 5; i++) {
      await policy
        .read(`op${i}`, () => Promise.reject(upstreamError('validation', { status: 422 })))
        .catch(() => undefined);
      deps.time.advance(10);
    }
    const errors = policy.snapshot().recentErrors;
    expect(errors).toHaveLength(RECENT_FAILURES);
    expect(errors[0].operation).toBe(`op${RECENT_FAILURES + 4}`);
    expect(errors[RECENT_FAILURES - 1].operation).toBe('op5');
  });

  it('PolicyRegistry.snapshot lists every registered platform by name', () => {
    const registry = new PolicyRegistry();
    registry.register(new UpstreamPolicy(testPolicyConfig({ platform: 'zoho' }), testDeps()));
    registry.register(new UpstreamPolicy(testPolicyConfig({ platform: 'attio' }), testDeps()));
    expect(registry.snapshot().map((s) => [s.platform, s.breaker])).toEqual([
      ['attio', 'closed'],
      ['zoho', 'closed'],
    ]);
  });
});
