import { PolicyRegistry } from './policy-registry';
import { UpstreamPolicy } from './upstream-policy';
import { testDeps, testPolicyConfig, upstreamError } from './upstream-policy.fixtures';

describe('PolicyRegistry', () => {
  const down = () => Promise.reject(upstreamError('unavailable', { status: 503 }));

  function policyFor(platform: 'attio' | 'zoho') {
    return new UpstreamPolicy(testPolicyConfig({ platform, maxAttempts: 1 }), testDeps());
  }

  it('reports each registered platform breaker state', async () => {
    const registry = new PolicyRegistry();
    const attio = policyFor('attio');
    registry.register(attio);
    registry.register(policyFor('zoho'));
    expect(registry.states()).toEqual({ attio: 'closed', zoho: 'closed' });
    for (let i = 0; i < 3; i++) await attio.read('op', down).catch(() => undefined);
    expect(registry.states()).toEqual({ attio: 'open', zoho: 'closed' });
  });

  it('tells breaker-open listeners which platform opened, once per opening', async () => {
    const registry = new PolicyRegistry();
    const opened: string[] = [];
    registry.onBreakerOpen((platform) => opened.push(platform));
    const zoho = policyFor('zoho');
    registry.register(zoho);
    for (let i = 0; i < 5; i++) await zoho.read('op', down).catch(() => undefined);
    expect(opened).toEqual(['zoho']);
  });

  it('keeps alerting failures away from the call that tripped the breaker', async () => {
    const registry = new PolicyRegistry();
    registry.onBreakerOpen(() => {
      throw new Error('alert endpoint down');
    });
    const attio = policyFor('attio');
    registry.register(attio);
    for (let i = 0; i < 2; i++) await attio.read('op', down).catch(() => undefined);
    await expect(attio.read('op', down)).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
