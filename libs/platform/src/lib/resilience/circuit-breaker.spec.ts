import { CircuitBreaker, type BreakerState } from './circuit-breaker';

function breakerAt(clock: { t: number }, changes: BreakerState[] = []) {
  return new CircuitBreaker({
    consecutiveFailures: 2,
    halfOpenAfterMs: 100,
    now: () => clock.t,
    onStateChange: (s) => changes.push(s),
  });
}

describe('CircuitBreaker', () => {
  it('goes closed → open → half_open → closed and reports each change', () => {
    const clock = { t: 0 };
    const changes: BreakerState[] = [];
    const breaker = breakerAt(clock, changes);
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryEnter()).toBe(false);
    clock.t = 100;
    expect(breaker.tryEnter()).toBe(true);
    expect(breaker.tryEnter()).toBe(false); // probe slot taken
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('frees the probe slot on a neutral outcome', () => {
    const clock = { t: 0 };
    const breaker = breakerAt(clock);
    breaker.recordFailure();
    breaker.recordFailure();
    clock.t = 100;
    expect(breaker.tryEnter()).toBe(true);
    breaker.recordNeutral();
    expect(breaker.tryEnter()).toBe(true);
  });
});
