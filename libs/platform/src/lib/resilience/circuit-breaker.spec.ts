import { BrokenCircuitError } from 'cockatiel';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';

class Down extends Error {}
class Answered extends Error {}

function breakerAt(clock: { t: number }, changes: BreakerState[] = []) {
  return new CircuitBreaker({
    consecutiveFailures: 2,
    halfOpenAfterMs: 100,
    now: () => clock.t,
    isFailure: (err) => err instanceof Down,
    isAnswer: (err) => err instanceof Answered,
    onStateChange: (s) => changes.push(s),
  });
}

const fail = (err: Error) => () => Promise.reject(err);
const ok = () => Promise.resolve('ok');
const settle = (p: Promise<unknown>) => p.catch((e: unknown) => e);

describe('CircuitBreaker (cockatiel CircuitBreakerPolicy on the policy clock)', () => {
  it('goes closed → open → half_open → closed and reports each change', async () => {
    const clock = { t: 0 };
    const changes: BreakerState[] = [];
    const breaker = breakerAt(clock, changes);
    await settle(breaker.execute(fail(new Down())));
    expect(breaker.state).toBe('closed');
    await settle(breaker.execute(fail(new Down())));
    expect(breaker.state).toBe('open');
    const fn = jest.fn(ok);
    expect(await settle(breaker.execute(fn))).toBeInstanceOf(BrokenCircuitError);
    expect(fn).not.toHaveBeenCalled();
    clock.t = 99;
    expect(breaker.state).toBe('open');
    clock.t = 100;
    expect(breaker.state).toBe('half_open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('lets one probe through while half-open; the others fail fast instead of queueing behind it', async () => {
    const clock = { t: 0 };
    const breaker = breakerAt(clock);
    await settle(breaker.execute(fail(new Down())));
    await settle(breaker.execute(fail(new Down())));
    clock.t = 100;
    let finish: (v: string) => void = () => undefined;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (finish = resolve)));
    expect(breaker.wouldReject()).toBe(true);
    expect(await settle(breaker.execute(ok))).toBeInstanceOf(BrokenCircuitError);
    finish('probe ok');
    await expect(probe).resolves.toBe('probe ok');
    expect(breaker.wouldReject()).toBe(false);
  });

  it('re-opens for a full period when the probe fails', async () => {
    const clock = { t: 0 };
    const changes: BreakerState[] = [];
    const breaker = breakerAt(clock, changes);
    await settle(breaker.execute(fail(new Down())));
    await settle(breaker.execute(fail(new Down())));
    clock.t = 100;
    await settle(breaker.execute(fail(new Down())));
    expect(breaker.state).toBe('open');
    clock.t = 199;
    expect(breaker.wouldReject()).toBe(true);
    clock.t = 200;
    expect(breaker.state).toBe('half_open');
    expect(changes).toEqual(['open', 'half_open', 'open']);
  });

  it('counts an error answer as proof the platform is up, and passes it through', async () => {
    const breaker = breakerAt({ t: 0 });
    const answer = new Answered('404');
    await settle(breaker.execute(fail(new Down())));
    expect(await settle(breaker.execute(fail(answer)))).toBe(answer);
    await settle(breaker.execute(fail(new Down())));
    expect(breaker.state).toBe('closed'); // the answer reset the count
  });

  it('does not count an exception that says nothing about the platform (a bug)', async () => {
    const breaker = breakerAt({ t: 0 });
    const bug = new RangeError('bug');
    await settle(breaker.execute(fail(new Down())));
    expect(await settle(breaker.execute(fail(bug)))).toBe(bug);
    await settle(breaker.execute(fail(new Down())));
    expect(breaker.state).toBe('open'); // two failures in a row: the bug neither counted nor reset
  });
});
