import { UpstreamError } from '../errors/upstream-error';
import { runWithCorrelationId } from '../logging/correlation';
import { UpstreamPolicy } from './upstream-policy';
import {
  captureLogger,
  connectionRefused,
  hangUntilAborted,
  testDeps,
  testPolicyConfig,
  upstreamError,
} from './upstream-policy.fixtures';

/** fn that fails with the given errors in order, then returns `value`. */
function failThen<T>(errors: unknown[], value: T) {
  const calls: AbortSignal[] = [];
  const fn = async (signal: AbortSignal): Promise<T> => {
    calls.push(signal);
    const err = errors[calls.length - 1];
    if (err !== undefined) throw err;
    return value;
  };
  return { fn, calls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('UpstreamPolicy retries', () => {
  it('retries temporary errors and returns the eventual result', async () => {
    const deps = testDeps();
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 3 }), deps);
    const { fn, calls } = failThen(
      [upstreamError('unavailable', { status: 503 }), connectionRefused()],
      'ok',
    );

    await expect(policy.read('getRecord', fn)).resolves.toBe('ok');
    expect(calls).toHaveLength(3);
  });

  it.each(['not_found', 'validation', 'auth', 'conflict', 'rejected'] as const)(
    'surfaces the permanent kind %s at once, without retrying',
    async (kind) => {
      const policy = new UpstreamPolicy(testPolicyConfig(), testDeps());
      const { fn, calls } = failThen([upstreamError(kind)], 'never');

      const err = await rejectionOf(policy.read('getRecord', fn));
      expect(err.kind).toBe(kind);
      expect(calls).toHaveLength(1);
    },
  );

  it('gives up after maxAttempts and surfaces the last temporary error', async () => {
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 2 }), testDeps());
    const { fn, calls } = failThen(
      [upstreamError('unavailable', { status: 500 }), upstreamError('unavailable', { status: 502 })],
      'x',
    );

    const err = await rejectionOf(policy.read('getRecord', fn));
    expect(err.upstream.status).toBe(502);
    expect(calls).toHaveLength(2);
  });

  it('converts raw network errors to unavailable UpstreamErrors carrying the socket code', async () => {
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 1 }), testDeps());
    const err = await rejectionOf(policy.read('getRecord', failThen([connectionRefused()], 'x').fn));
    expect(err).toMatchObject({ platform: 'attio', kind: 'unavailable', upstream: { code: 'ECONNREFUSED' } });
  });

  it('rethrows a non-network exception (a bug) unchanged and does not retry it', async () => {
    const policy = new UpstreamPolicy(testPolicyConfig(), testDeps());
    const bug = new RangeError('mapping bug');
    const { fn, calls } = failThen([bug], 'x');
    await expect(policy.read('getRecord', fn)).rejects.toBe(bug);
    expect(calls).toHaveLength(1);
  });

  it('waits an exponential backoff with jitter between attempts, bounded by maxDelayMs', async () => {
    const deps = testDeps({ random: () => 0.5 });
    const policy = new UpstreamPolicy(
      testPolicyConfig({
        maxAttempts: 5,
        baseDelayMs: 100,
        maxDelayMs: 300,
        breaker: { consecutiveFailures: 10, halfOpenAfterMs: 1_000 },
      }),
      deps,
    );
    const unavailable = () => upstreamError('unavailable');
    const { fn } = failThen([unavailable(), unavailable(), unavailable(), unavailable()], 'ok');

    await policy.read('getRecord', fn);
    // ceilings 100, 200, 400→300, 800→300; jitter 0.5 of each
    expect(deps.time.sleeps).toEqual([50, 100, 150, 150]);
  });

  it('waits exactly the Retry-After of a 429 instead of the backoff, capped by maxRetryAfterMs', async () => {
    const deps = testDeps({ random: () => 0.99 });
    const policy = new UpstreamPolicy(testPolicyConfig({ maxAttempts: 3, maxRetryAfterMs: 5_000 }), deps);
    const { fn } = failThen(
      [
        upstreamError('rate_limited', { status: 429, retryAfterMs: 1_234 }),
        upstreamError('rate_limited', { status: 429, retryAfterMs: 60_000 }),
      ],
      'ok',
    );

    await policy.read('listRecords', fn);
    expect(deps.time.sleeps).toEqual([1_234, 5_000]);
  });
});

describe('UpstreamPolicy timeout', () => {
  it('aborts the attempt signal at timeoutMs and surfaces it as unavailable', async () => {
    const policy = new UpstreamPolicy(testPolicyConfig({ timeoutMs: 20, maxAttempts: 1 }), testDeps());
    const signals: AbortSignal[] = [];

    const err = await rejectionOf(policy.read('getRecord', hangUntilAborted(signals)));
    expect(err.kind).toBe('unavailable');
    expect(err.upstream.code).toBe('ETIMEDOUT');
    expect(signals[0].aborted).toBe(true);
  });

  it('times out even when fn ignores the signal', async () => {
    const policy = new UpstreamPolicy(testPolicyConfig({ timeoutMs: 20, maxAttempts: 1 }), testDeps());
    const neverSettles = () => new Promise<string>(() => undefined);
    const err = await rejectionOf(policy.read('getRecord', neverSettles));
    expect(err.upstream.code).toBe('ETIMEDOUT');
  });

  it('retries a timed-out read', async () => {
    const policy = new UpstreamPolicy(testPolicyConfig({ timeoutMs: 20, maxAttempts: 2 }), testDeps());
    let calls = 0;
    const result = await policy.read('getRecord', (signal) =>
      ++calls === 1 ? hangUntilAborted<string>()(signal) : Promise.resolve('second'),
    );
    expect(result).toBe('second');
  });
});

describe('UpstreamPolicy write repeat strategies', () => {
  const config = testPolicyConfig({ timeoutMs: 20, maxAttempts: 3 });

  it("'check' after a timeout calls find() and does not re-send when it finds the write", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    const sends: AbortSignal[] = [];
    const find = jest.fn(async () => ({ id: 'txn_1' }));

    const result = await policy.write('charge', hangUntilAborted(sends), { kind: 'check', find });
    expect(result).toEqual({ id: 'txn_1' });
    expect(find).toHaveBeenCalledTimes(1);
    expect(sends).toHaveLength(1);
  });

  it("'check' re-sends when find() returns undefined", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    let sends = 0;
    const find = jest.fn(async () => undefined);

    const result = await policy.write(
      'charge',
      (signal) =>
        ++sends === 1 ? hangUntilAborted<{ id: string }>()(signal) : Promise.resolve({ id: 'txn_2' }),
      { kind: 'check', find },
    );
    expect(result).toEqual({ id: 'txn_2' });
    expect(find).toHaveBeenCalledTimes(1);
    expect(sends).toBe(2);
  });

  it("'check' re-sends after a 429 without asking find() (the platform did not process it)", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    const find = jest.fn(async () => ({ id: 'should-not-be-used' }));
    const { fn, calls } = failThen([upstreamError('rate_limited', { status: 429, retryAfterMs: 10 })], {
      id: 'new',
    });

    await expect(policy.write('charge', fn, { kind: 'check', find })).resolves.toEqual({ id: 'new' });
    expect(find).not.toHaveBeenCalled();
    expect(calls).toHaveLength(2);
  });

  it("'never' is not re-sent after a timeout", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    const sends: AbortSignal[] = [];
    const err = await rejectionOf(policy.write('createNote', hangUntilAborted(sends), { kind: 'never' }));
    expect(err.upstream.code).toBe('ETIMEDOUT');
    expect(sends).toHaveLength(1);
  });

  it("'never' is not re-sent after a 5xx", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    const { fn, calls } = failThen([upstreamError('unavailable', { status: 502 })], 'x');
    await expect(policy.write('createNote', fn, { kind: 'never' })).rejects.toBeInstanceOf(UpstreamError);
    expect(calls).toHaveLength(1);
  });

  it("'never' is re-sent after a 429 and after ECONNREFUSED", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    const { fn, calls } = failThen(
      [upstreamError('rate_limited', { status: 429 }), connectionRefused()],
      'created',
    );
    await expect(policy.write('createNote', fn, { kind: 'never' })).resolves.toBe('created');
    expect(calls).toHaveLength(3);
  });

  it("'idempotent' is re-sent after a timeout", async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    let sends = 0;
    const result = await policy.write(
      'patchRecord',
      (signal) => (++sends === 1 ? hangUntilAborted<string>()(signal) : Promise.resolve('patched')),
      { kind: 'idempotent' },
    );
    expect(result).toBe('patched');
    expect(sends).toBe(2);
  });
});

describe('UpstreamPolicy circuit breaker', () => {
  const config = testPolicyConfig({
    maxAttempts: 1,
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 },
  });
  const down = () => Promise.reject(upstreamError('unavailable', { status: 503 }));
  const up = () => Promise.resolve('up');

  async function tripped(onBreakerOpen = jest.fn()) {
    const deps = testDeps({ onBreakerOpen });
    const policy = new UpstreamPolicy(config, deps);
    for (let i = 0; i < 3; i++) await policy.read('getRecord', down).catch(() => undefined);
    return { policy, deps, onBreakerOpen };
  }

  it('opens after N consecutive failures and calls the alert hook once', async () => {
    const { policy, onBreakerOpen } = await tripped();
    expect(policy.breakerState).toBe('open');
    expect(onBreakerOpen).toHaveBeenCalledTimes(1);
    expect(onBreakerOpen).toHaveBeenCalledWith('attio');
  });

  it('does not open on fewer failures interrupted by a success', async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    for (const fn of [down, down, up, down, down]) await policy.read('getRecord', fn).catch(() => undefined);
    expect(policy.breakerState).toBe('closed');
  });

  it('fails fast while open, without calling fn', async () => {
    const { policy } = await tripped();
    const fn = jest.fn(up);
    const err = await rejectionOf(policy.read('getRecord', fn));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('circuit open');
    expect(fn).not.toHaveBeenCalled();
  });

  it('half-opens after the delay and closes on a successful probe', async () => {
    const { policy, deps } = await tripped();
    deps.time.advance(999);
    expect(policy.breakerState).toBe('open');
    deps.time.advance(1);
    expect(policy.breakerState).toBe('half_open');
    await expect(policy.read('getRecord', up)).resolves.toBe('up');
    expect(policy.breakerState).toBe('closed');
  });

  it('re-opens on a failed probe, for another full delay', async () => {
    const { policy, deps, onBreakerOpen } = await tripped();
    deps.time.advance(1_000);
    await policy.read('getRecord', down).catch(() => undefined);
    expect(policy.breakerState).toBe('open');
    expect(onBreakerOpen).toHaveBeenCalledTimes(2);
    deps.time.advance(999);
    await expect(policy.read('getRecord', up)).rejects.toThrow('circuit open');
  });

  it('lets only one probe through while half-open', async () => {
    const { policy, deps } = await tripped();
    deps.time.advance(1_000);
    let finishProbe: (v: string) => void = () => undefined;
    const probe = policy.read('getRecord', () => new Promise<string>((resolve) => (finishProbe = resolve)));
    await Promise.resolve();
    await expect(policy.read('getRecord', up)).rejects.toThrow('circuit open');
    finishProbe('probe ok');
    await expect(probe).resolves.toBe('probe ok');
    expect(policy.breakerState).toBe('closed');
  });

  it('does not count permanent errors (404, 422) against the breaker', async () => {
    const policy = new UpstreamPolicy(config, testDeps());
    for (let i = 0; i < 6; i++) {
      const kind = i % 2 ? 'not_found' : 'validation';
      await policy.read('getRecord', () => Promise.reject(upstreamError(kind))).catch(() => undefined);
    }
    expect(policy.breakerState).toBe('closed');
  });

  it('a swallowed alert-hook error does not change the call outcome', async () => {
    const { policy } = await tripped(
      jest.fn(() => {
        throw new Error('alert channel down');
      }),
    );
    expect(policy.breakerState).toBe('open');
  });
});

describe('UpstreamPolicy rate limiting', () => {
  it('spreads calls over the limit across windows, reads and writes counted separately', async () => {
    const deps = testDeps();
    // Frozen clock: each waiting caller records its wait; time only moves when the test moves it.
    deps.sleep = async (ms) => void deps.time.sleeps.push(ms);
    const policy = new UpstreamPolicy(
      testPolicyConfig({
        rateLimits: { read: { limit: 3, windowMs: 1_000 }, write: { limit: 1, windowMs: 1_000 } },
      }),
      deps,
    );
    const ok = async () => 'ok';
    await Promise.all(Array.from({ length: 9 }, () => policy.read('getRecord', ok)));
    await policy.write('patchRecord', ok, { kind: 'idempotent' });
    expect(deps.time.sleeps).toEqual([1_000, 1_000, 1_000, 2_000, 2_000, 2_000]);
    await policy.write('patchRecord', ok, { kind: 'idempotent' });
    expect(deps.time.sleeps.at(-1)).toBe(1_000);
  });

  it('applies a shared budget to reads and writes together (Zoho)', async () => {
    const deps = testDeps();
    deps.sleep = async (ms) => void deps.time.sleeps.push(ms);
    const policy = new UpstreamPolicy(
      testPolicyConfig({
        platform: 'zoho',
        rateLimits: {
          read: { limit: Infinity, windowMs: 1_000 },
          write: { limit: Infinity, windowMs: 1_000 },
          shared: { limit: 2, windowMs: 60_000 },
        },
      }),
      deps,
    );
    const ok = async () => 'ok';
    await policy.read('getPlan', ok);
    await policy.write('createCustomer', ok, { kind: 'never' });
    await policy.read('getPlan', ok);
    expect(deps.time.sleeps).toEqual([60_000]);
  });
});

describe('UpstreamPolicy logging', () => {
  it('logs every attempt with platform, operation, status, duration, attempt and correlation id', async () => {
    const logger = captureLogger();
    const policy = new UpstreamPolicy(testPolicyConfig(), testDeps({ logger }));
    const { fn } = failThen([upstreamError('unavailable', { status: 503 })], { secret: 'body' });

    await runWithCorrelationId('corr-1', () => policy.read('getRecord', fn));
    expect(logger.lines).toEqual([
      expect.objectContaining({
        platform: 'attio',
        operation: 'getRecord',
        attempt: 1,
        outcome: 'unavailable',
        status: 503,
        correlationId: 'corr-1',
        retryInMs: 50,
      }),
      expect.objectContaining({
        platform: 'attio',
        operation: 'getRecord',
        attempt: 2,
        outcome: 'ok',
        correlationId: 'corr-1',
      }),
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
    expect(typeof logger.lines[1].durationMs).toBe('number');
  });
});
