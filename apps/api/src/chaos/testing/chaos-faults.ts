/*
 * Fault injection for the chaos suite (test-only): the sandbox-kit FaultInjector of each emulator with a mix
 * of 5xx, 429 and hangs past the client timeout, plus slow answers on a share of the remaining requests, and
 * per-kind counters so the run can say what it survived.
 */
import { seededRandom } from '@aia/sandbox-kit';
import type { EmulatorServer, FaultDecision } from '@aia/sandbox-kit';

export interface FaultMix {
  /** Share of requests answered `errorStatus` (never processed). */
  errorRate: number;
  errorStatus: number;
  /** Share answered 429 with the platform's Retry-After (never processed). */
  rateLimitRate: number;
  /**
   * Share held `hangMs`, past the API's per-attempt timeout. Attio and Zoho: the request waits before it is
   * processed, and a request whose client gave up is dropped; Braintree (`hangAfterProcessing`): processed at
   * once, its answer held back — the ambiguous "did it go through?".
   */
  hangRate: number;
  hangMs: number;
  /** Share of all requests answered `latencyMs` late, still within the timeout. */
  latencyRate: number;
  latencyMs: number;
  seed: number;
}

export interface FaultCounts {
  /** Requests the injector saw while the faults were on (control routes are never faulted). */
  requests: number;
  error: number;
  rate_limit: number;
  hang: number;
  latency: number;
}

export interface ChaosFaults {
  readonly name: string;
  on(mix: FaultMix): void;
  off(): void;
  counts(): FaultCounts;
  /** Faulted requests (5xx + 429 + hang + slow). */
  injected(): number;
}

/**
 * Wraps one emulator's FaultInjector. Counting: the injector's per-fault hook (`count`, called for every 5xx,
 * 429 and hang it decides, before Braintree's "process now, answer late" wrapper turns a hang into a held
 * answer) and the decision itself (requests, and the added latency, which the injector only knows as "every
 * request": here it is drawn per request from a seeded PRNG so a share of requests is slow).
 */
export function installChaosFaults(name: string, server: EmulatorServer): ChaosFaults {
  const counts: FaultCounts = { requests: 0, error: 0, rate_limit: 0, hang: 0, latency: 0 };
  let active: FaultMix | undefined;
  let random = seededRandom(1);

  const hook = server.faults as unknown as { count: <T extends FaultDecision>(d: T) => T };
  if (typeof hook.count !== 'function') throw new Error('FaultInjector has no count() hook any more');
  const count = hook.count.bind(server.faults);
  hook.count = <T extends FaultDecision>(d: T): T => {
    if (active && d.kind !== 'none') counts[d.kind] += 1;
    return count(d);
  };

  const decide = server.faults.decide.bind(server.faults);
  server.faults.decide = (path: string): FaultDecision => {
    const d = decide(path);
    if (!active) return d;
    counts.requests += 1;
    if (d.kind !== 'none') return d;
    // The latency share is of all requests; only those the injector left alone can draw it.
    const faulted = active.errorRate + active.rateLimitRate + active.hangRate;
    if (random() < active.latencyRate / Math.max(1e-9, 1 - faulted)) {
      counts.latency += 1;
      return { ...d, delayMs: d.delayMs + active.latencyMs };
    }
    return d;
  };

  return {
    name,
    on(mix) {
      active = mix;
      random = seededRandom(mix.seed * 7919 + 17);
      server.faults.configure({
        errorRate: mix.errorRate,
        errorStatus: mix.errorStatus,
        rateLimitRate: mix.rateLimitRate,
        hangRate: mix.hangRate,
        hangMs: mix.hangMs,
        seed: mix.seed,
      });
    },
    off() {
      active = undefined;
      server.faults.clear();
    },
    counts: () => ({ ...counts }),
    injected: () => counts.error + counts.rate_limit + counts.hang + counts.latency,
  };
}
