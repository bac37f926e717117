import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from '../errors/upstream-error';

/** One registry for the whole process; GET /metrics serves it (MetricsModule). */
export const metricsRegistry = new Registry();

type Metric = Counter<string> | Gauge<string> | Histogram<string>;

/** Returns the metric already registered under `name`, so building twice (tests, several modules) is safe. */
function getOrCreate<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

// Upstream calls take from tens of ms (emulators) to tens of seconds (Braintree transactions).
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Live readers of breaker states per registry, read at scrape time so the gauge also shows a breaker that
 * half-opened by time alone. Kept per registry (not per instance) because the gauge is shared.
 */
const breakerReadersByRegistry = new WeakMap<Registry, Map<Platform, () => BreakerStateName>>();
function breakerReadersOf(registry: Registry): Map<Platform, () => BreakerStateName> {
  let readers = breakerReadersByRegistry.get(registry);
  if (!readers) {
    readers = new Map();
    breakerReadersByRegistry.set(registry, readers);
  }
  return readers;
}

/** Numeric value of a breaker state on the gauge. */
export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUE;

/** `outcome` is `ok` or an UpstreamErrorKind (`unavailable`, `rate_limited`, `not_found`, …). */
export type AttemptOutcome = string;

/**
 * The metrics UpstreamPolicy records. Every instance on the same registry shares the same series, so one
 * instance per process (provided by MetricsModule) and one per test registry both work.
 */
export class UpstreamMetrics {
  readonly requests: Counter<'platform' | 'operation' | 'outcome'>;
  readonly duration: Histogram<'platform' | 'operation' | 'outcome'>;
  readonly retries: Counter<'platform' | 'operation' | 'reason'>;
  readonly shortCircuited: Counter<'platform' | 'operation'>;
  readonly breakerState: Gauge<'platform'>;
  readonly breakerOpened: Counter<'platform'>;
  readonly limiterWaits: Counter<'platform' | 'kind'>;
  readonly limiterWaitSeconds: Histogram<'platform' | 'kind'>;
  private readonly breakerReaders: Map<Platform, () => BreakerStateName>;

  constructor(readonly registry: Registry = metricsRegistry) {
    const registers = [registry];
    this.requests = getOrCreate(
      registry,
      'upstream_requests_total',
      () =>
        new Counter({
          name: 'upstream_requests_total',
          help: 'Upstream call attempts by platform, operation and outcome (ok or error kind).',
          labelNames: ['platform', 'operation', 'outcome'] as const,
          registers,
        }),
    );
    this.duration = getOrCreate(
      registry,
      'upstream_request_duration_seconds',
      () =>
        new Histogram({
          name: 'upstream_request_duration_seconds',
          help: 'Duration of one upstream attempt.',
          labelNames: ['platform', 'operation', 'outcome'] as const,
          buckets: DURATION_BUCKETS,
          registers,
        }),
    );
    this.retries = getOrCreate(
      registry,
      'upstream_retries_total',
      () =>
        new Counter({
          name: 'upstream_retries_total',
          help: 'Upstream attempts that were retried, by the error kind that caused the retry.',
          labelNames: ['platform', 'operation', 'reason'] as const,
          registers,
        }),
    );
    this.shortCircuited = getOrCreate(
      registry,
      'upstream_short_circuited_total',
      () =>
        new Counter({
          name: 'upstream_short_circuited_total',
          help: 'Calls refused at once because the circuit breaker was open.',
          labelNames: ['platform', 'operation'] as const,
          registers,
        }),
    );
    const readers = breakerReadersOf(registry);
    this.breakerReaders = readers;
    this.breakerState = getOrCreate(
      registry,
      'upstream_breaker_state',
      () =>
        new Gauge({
          name: 'upstream_breaker_state',
          help: 'Circuit breaker state per platform: 0 closed, 1 half-open, 2 open.',
          labelNames: ['platform'] as const,
          registers,
          collect() {
            for (const [platform, read] of readers) this.set({ platform }, BREAKER_STATE_VALUE[read()]);
          },
        }),
    );
    this.breakerOpened = getOrCreate(
      registry,
      'upstream_breaker_opened_total',
      () =>
        new Counter({
          name: 'upstream_breaker_opened_total',
          help: 'Times a circuit breaker opened.',
          labelNames: ['platform'] as const,
          registers,
        }),
    );
    this.limiterWaits = getOrCreate(
      registry,
      'upstream_rate_limiter_waits_total',
      () =>
        new Counter({
          name: 'upstream_rate_limiter_waits_total',
          help: 'Calls the client-side rate limiter delayed, by platform and kind (read/write).',
          labelNames: ['platform', 'kind'] as const,
          registers,
        }),
    );
    this.limiterWaitSeconds = getOrCreate(
      registry,
      'upstream_rate_limiter_wait_seconds',
      () =>
        new Histogram({
          name: 'upstream_rate_limiter_wait_seconds',
          help: 'Time calls spent waiting in the client-side rate limiter.',
          labelNames: ['platform', 'kind'] as const,
          buckets: WAIT_BUCKETS,
          registers,
        }),
    );
  }

  attempt(platform: Platform, operation: string, outcome: AttemptOutcome, durationMs: number): void {
    this.requests.inc({ platform, operation, outcome });
    this.duration.observe({ platform, operation, outcome }, durationMs / 1000);
  }

  retry(platform: Platform, operation: string, reason: string): void {
    this.retries.inc({ platform, operation, reason });
  }

  shortCircuit(platform: Platform, operation: string): void {
    this.shortCircuited.inc({ platform, operation });
  }

  breakerChanged(platform: Platform, state: BreakerStateName): void {
    this.breakerState.set({ platform }, BREAKER_STATE_VALUE[state]);
    if (state === 'open') this.breakerOpened.inc({ platform });
  }

  /** Lets the gauge read the live state at scrape time (a breaker half-opens lazily, by time). */
  trackBreaker(platform: Platform, read: () => BreakerStateName): void {
    this.breakerReaders.set(platform, read);
    this.breakerState.set({ platform }, BREAKER_STATE_VALUE[read()]);
  }

  limiterWait(platform: Platform, kind: 'read' | 'write', waitMs: number): void {
    this.limiterWaits.inc({ platform, kind });
    this.limiterWaitSeconds.observe({ platform, kind }, waitMs / 1000);
  }
}

export const webhooksReceivedTotal: Counter<'platform'> = getOrCreate(
  metricsRegistry,
  'webhooks_received_total',
  () =>
    new Counter({
      name: 'webhooks_received_total',
      help: 'Verified inbound webhooks by platform.',
      labelNames: ['platform'] as const,
      registers: [metricsRegistry],
    }),
);

export const webhooksRejectedTotal: Counter<'platform' | 'reason'> = getOrCreate(
  metricsRegistry,
  'webhooks_rejected_total',
  () =>
    new Counter({
      name: 'webhooks_rejected_total',
      help: 'Rejected inbound webhooks by platform and reason (e.g. invalid_signature).',
      labelNames: ['platform', 'reason'] as const,
      registers: [metricsRegistry],
    }),
);
