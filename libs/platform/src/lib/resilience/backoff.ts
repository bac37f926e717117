import {
  ExponentialBackoff,
  noJitterGenerator,
  type GeneratorFn,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { UpstreamError } from '../errors/upstream-error';

/** Source of jitter in [0, 1). */
export type Random = () => number;

/**
 * cockatiel's exponential ceiling (base, 2×base, 4×base… capped at the max) with "full jitter": a uniformly
 * random delay in [0, ceiling). Full jitter spreads the retries of many callers that failed together (AWS
 * architecture blog, "Exponential Backoff And Jitter"). cockatiel's own `fullJitterGenerator` is the same
 * formula on Math.random; this one takes the random source so tests can pin it.
 */
export function fullJitter(random: Random = Math.random): GeneratorFn<number> {
  return (state, options) => {
    const [ceiling, next] = noJitterGenerator(state, options);
    return [Math.floor(random() * ceiling), next];
  };
}

/**
 * Delay before retry number `retry` (1 after the first failure) of a queued job: cockatiel's exponential
 * ceiling (about `baseMs`, then 2×, 4×… capped at `maxMs`), 75–100 % of it, so the retries of many jobs that
 * failed together (an upstream outage) spread out without ever coming much sooner than asked. The job
 * queues (libs/events) call it with the attempts made so far.
 */
export function backoffDelay(
  retry: number,
  base: { baseMs: number; maxMs: number },
  random: Random = Math.random,
): number {
  const [ceiling] = noJitterGenerator(Math.max(0, retry - 1), {
    initialDelay: base.baseMs,
    maxDelay: base.maxMs,
    exponent: 2,
    generator: noJitterGenerator,
  });
  return Math.round(ceiling * (0.75 + 0.25 * random()));
}

export interface UpstreamBackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Cap on an honoured Retry-After. */
  maxRetryAfterMs: number;
  random?: Random;
}

type RetryContext = IRetryBackoffContext<unknown>;

/**
 * The backoff of every upstream retry, a cockatiel backoff: when the failure carries a Retry-After (a 429,
 * `UpstreamError.upstream.retryAfterMs`), exactly that wait, capped at `maxRetryAfterMs` (earlier would be
 * refused again; the floor for a past or unreadable value is applied where the header is read, see
 * `parseRetryAfterMs`). Otherwise exponential with full jitter. The exponent follows the retry count either
 * way, as if every retry had backed off.
 */
export class UpstreamBackoff implements IBackoff<RetryContext> {
  private constructor(
    private readonly options: UpstreamBackoffOptions,
    private readonly exponential: IBackoffFactory<unknown>,
    readonly duration: number,
  ) {}

  static create(options: UpstreamBackoffOptions): IBackoffFactory<RetryContext> {
    const exponential = new ExponentialBackoff({
      initialDelay: options.baseDelayMs,
      maxDelay: options.maxDelayMs,
      generator: fullJitter(options.random),
    });
    return new UpstreamBackoff(options, exponential, 0);
  }

  next(context: RetryContext): UpstreamBackoff {
    const exponential = this.exponential.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfterMs = error instanceof UpstreamError ? error.upstream.retryAfterMs : undefined;
    const duration =
      retryAfterMs === undefined
        ? exponential.duration
        : Math.min(Math.max(0, retryAfterMs), this.options.maxRetryAfterMs);
    return new UpstreamBackoff(this.options, exponential, duration);
  }
}
