// Test-only factories shared by the resilience specs (not exported from the library).
import { Registry } from 'prom-client';
import { UpstreamError, type UpstreamErrorKind } from '../errors/upstream-error';
import { UpstreamMetrics } from '../metrics/metrics';
import type { UpstreamAttemptLog, UpstreamLogger } from './upstream-logger';
import type { UpstreamPolicyDeps } from './upstream-policy';
import type { UpstreamPolicyConfig } from './upstream-policy.config';

export function testPolicyConfig(overrides: Partial<UpstreamPolicyConfig> = {}): UpstreamPolicyConfig {
  return {
    platform: 'attio',
    timeoutMs: 1_000,
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 5_000,
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 },
    rateLimits: { read: { limit: Infinity, windowMs: 1_000 }, write: { limit: Infinity, windowMs: 1_000 } },
    ...overrides,
  };
}

/** Virtual clock: `sleep` records the wait and advances time instantly. */
export function fakeTime(start = 0) {
  const state = { now: start, sleeps: [] as number[] };
  return {
    sleeps: state.sleeps,
    now: () => state.now,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.now += ms;
    },
    advance: (ms: number) => {
      state.now += ms;
    },
  };
}

export function captureLogger(): UpstreamLogger & { lines: UpstreamAttemptLog[] } {
  const lines: UpstreamAttemptLog[] = [];
  return { lines, info: (entry) => lines.push(entry), warn: (entry) => lines.push(entry) };
}

export function testDeps(
  overrides: UpstreamPolicyDeps = {},
): UpstreamPolicyDeps & { time: ReturnType<typeof fakeTime> } {
  const time = fakeTime();
  return {
    time,
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    logger: captureLogger(),
    metrics: new UpstreamMetrics(new Registry()),
    ...overrides,
  };
}

export function upstreamError(
  kind: UpstreamErrorKind,
  upstream: UpstreamError['upstream'] = {},
): UpstreamError {
  return new UpstreamError('attio', kind, `test ${kind}`, upstream);
}

export function connectionRefused(): Error {
  // The shape Node's fetch produces: TypeError('fetch failed') whose cause carries the socket code.
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
}

/** An attempt that only ends when its signal aborts, as fetch does on a hung upstream. */
export function hangUntilAborted<T>(seen: AbortSignal[] = []): (signal: AbortSignal) => Promise<T> {
  return (signal) =>
    new Promise<T>((_, reject) => {
      seen.push(signal);
      signal.addEventListener('abort', () =>
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
      );
    });
}
