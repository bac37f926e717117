import { seededRandom } from './random';

export interface FaultConfig {
  /** Share (0..1) of requests answered with a 5xx. */
  errorRate?: number;
  /** Status used for injected server errors (default 503). */
  errorStatus?: number;
  /** Share (0..1) of requests answered 429. */
  rateLimitRate?: number;
  /** Share (0..1) of requests that hang for hangMs before being answered normally. */
  hangRate?: number;
  hangMs?: number;
  /** Latency added to every request. */
  latencyMs?: number;
  /** Only requests whose path contains this substring are affected (all when unset). */
  pathIncludes?: string;
  /** Limit on how many requests are faulted (then faults stop by themselves). */
  maxFaults?: number;
  seed?: number;
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'error'; status: number; delayMs: number }
  | { kind: 'rate_limit'; delayMs: number }
  | { kind: 'hang'; delayMs: number };

/** Decides, per request, whether to inject a fault. Deterministic for a given seed and request order. */
export class FaultInjector {
  private config: FaultConfig = {};
  private random = seededRandom(1);
  private faults = 0;

  configure(config: FaultConfig): void {
    this.config = { ...config };
    this.random = seededRandom(config.seed ?? 1);
    this.faults = 0;
  }

  clear(): void {
    this.configure({});
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  decide(path: string): FaultDecision {
    const c = this.config;
    const latency = c.latencyMs ?? 0;
    if (c.pathIncludes && !path.includes(c.pathIncludes)) return { kind: 'none', delayMs: 0 };
    if (c.maxFaults !== undefined && this.faults >= c.maxFaults) return { kind: 'none', delayMs: latency };
    const roll = this.random();
    let edge = c.errorRate ?? 0;
    if (roll < edge) return this.count({ kind: 'error', status: c.errorStatus ?? 503, delayMs: latency });
    edge += c.rateLimitRate ?? 0;
    if (roll < edge) return this.count({ kind: 'rate_limit', delayMs: latency });
    edge += c.hangRate ?? 0;
    if (roll < edge) return this.count({ kind: 'hang', delayMs: latency + (c.hangMs ?? 30_000) });
    return { kind: 'none', delayMs: latency };
  }

  private count<T extends FaultDecision>(d: T): T {
    this.faults += 1;
    return d;
  }
}
