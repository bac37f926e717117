import { Registry } from 'prom-client';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { testDeps, testPolicyConfig, upstreamError } from '../resilience/upstream-policy.fixtures';
import { UpstreamMetrics } from './metrics';

function policyWithRegistry() {
  const registry = new Registry();
  const deps = testDeps({ metrics: new UpstreamMetrics(registry) });
  deps.sleep = async (ms) => void deps.time.sleeps.push(ms);
  const policy = new UpstreamPolicy(
    testPolicyConfig({
      maxAttempts: 2,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 1_000 },
      rateLimits: { read: { limit: 1, windowMs: 1_000 }, write: { limit: Infinity, windowMs: 1_000 } },
    }),
    deps,
  );
  return { registry, policy, deps };
}

describe('UpstreamMetrics', () => {
  it('counts attempts, durations, retries and limiter waits in the registry text', async () => {
    const { registry, policy } = policyWithRegistry();
    let calls = 0;
    await policy.read('getRecord', async () => {
      if (++calls === 1) throw upstreamError('unavailable', { status: 503 });
      return 'ok';
    });
    const text = await registry.metrics();
    expect(text).toContain(
      'upstream_requests_total{platform="attio",operation="getRecord",outcome="unavailable"} 1',
    );
    expect(text).toContain('upstream_requests_total{platform="attio",operation="getRecord",outcome="ok"} 1');
    expect(text).toContain(
      'upstream_request_duration_seconds_count{platform="attio",operation="getRecord",outcome="ok"} 1',
    );
    expect(text).toContain(
      'upstream_retries_total{platform="attio",operation="getRecord",reason="unavailable"} 1',
    );
    // The retry was the second read within the 1/s window: the limiter delayed it.
    expect(text).toContain('upstream_rate_limiter_waits_total{platform="attio",kind="read"} 1');
    expect(text).toMatch(/upstream_rate_limiter_wait_seconds_sum\{platform="attio",kind="read"\} \d/);
  });

  it('exposes the breaker state gauge (0 closed, 2 open, 1 half-open) and short-circuits', async () => {
    const { registry, policy, deps } = policyWithRegistry();
    expect(await registry.metrics()).toContain('upstream_breaker_state{platform="attio"} 0');

    await policy.read('getRecord', () => Promise.reject(upstreamError('unavailable'))).catch(() => undefined);
    await policy.read('getRecord', () => Promise.resolve('never')).catch(() => undefined);
    let text = await registry.metrics();
    expect(text).toContain('upstream_breaker_state{platform="attio"} 2');
    expect(text).toContain('upstream_breaker_opened_total{platform="attio"} 1');
    expect(text).toContain('upstream_short_circuited_total{platform="attio",operation="getRecord"} 1');

    deps.time.advance(1_000);
    text = await registry.metrics();
    expect(text).toContain('upstream_breaker_state{platform="attio"} 1');
  });

  it('can be built twice on one registry without duplicate-registration errors', () => {
    const registry = new Registry();
    const first = new UpstreamMetrics(registry);
    const second = new UpstreamMetrics(registry);
    expect(second.requests).toBe(first.requests);
  });
});
