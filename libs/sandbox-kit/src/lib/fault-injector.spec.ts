import { FaultInjector, type FaultConfig, type FaultDecision } from './fault-injector';
import { seededRandom } from './random';

function decisions(config: FaultConfig, count: number, path = '/v2/objects'): FaultDecision[] {
  const injector = new FaultInjector();
  injector.configure(config);
  return Array.from({ length: count }, () => injector.decide(path));
}

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 20 }, a);
    expect(Array.from({ length: 20 }, b)).toEqual(seqA);
    expect(Array.from({ length: 20 }, c)).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('FaultInjector', () => {
  const mixed: FaultConfig = { errorRate: 0.2, rateLimitRate: 0.2, hangRate: 0.1, hangMs: 50, seed: 7 };

  it('is deterministic for a seed and request order', () => {
    expect(decisions(mixed, 200)).toEqual(decisions(mixed, 200));
    expect(decisions({ ...mixed, seed: 8 }, 200)).not.toEqual(decisions(mixed, 200));
  });

  it('re-seeds on configure, so a run can be replayed on the same injector', () => {
    const injector = new FaultInjector();
    injector.configure(mixed);
    const first = Array.from({ length: 50 }, () => injector.decide('/x'));
    injector.configure(mixed);
    expect(Array.from({ length: 50 }, () => injector.decide('/x'))).toEqual(first);
  });

  it('injects each fault kind at roughly its configured share', () => {
    const all = decisions(mixed, 5_000);
    const share = (kind: FaultDecision['kind']) => all.filter((d) => d.kind === kind).length / all.length;
    expect(share('error')).toBeCloseTo(0.2, 1);
    expect(share('rate_limit')).toBeCloseTo(0.2, 1);
    expect(share('hang')).toBeCloseTo(0.1, 1);
    expect(share('none')).toBeCloseTo(0.5, 1);
  });

  it('uses the configured error status (503 by default) and adds latency and hang time', () => {
    expect(decisions({ errorRate: 1 }, 1)[0]).toEqual({ kind: 'error', status: 503, delayMs: 0 });
    expect(decisions({ errorRate: 1, errorStatus: 500, latencyMs: 20 }, 1)[0]).toEqual({
      kind: 'error',
      status: 500,
      delayMs: 20,
    });
    expect(decisions({ hangRate: 1, hangMs: 100, latencyMs: 20 }, 1)[0]).toEqual({
      kind: 'hang',
      delayMs: 120,
    });
    expect(decisions({ latencyMs: 15 }, 1)[0]).toEqual({ kind: 'none', delayMs: 15 });
  });

  it('only affects paths containing pathIncludes', () => {
    const injector = new FaultInjector();
    injector.configure({ errorRate: 1, latencyMs: 10, pathIncludes: '/invoices' });
    expect(injector.decide('/billing/v1/plans')).toEqual({ kind: 'none', delayMs: 0 });
    expect(injector.decide('/billing/v1/invoices/1').kind).toBe('error');
  });

  it('stops faulting after maxFaults', () => {
    const kinds = decisions({ errorRate: 1, maxFaults: 2 }, 5).map((d) => d.kind);
    expect(kinds).toEqual(['error', 'error', 'none', 'none', 'none']);
  });

  it('clear() turns every fault off', () => {
    const injector = new FaultInjector();
    injector.configure({ errorRate: 1 });
    injector.clear();
    expect(injector.current).toEqual({});
    expect(injector.decide('/x')).toEqual({ kind: 'none', delayMs: 0 });
  });
});
