import { seededRandom } from '@aia/sandbox-kit';

/**
 * Which sales a fault hits: every sale by default; `next: N` limits it to N sales (with the default `rate: 1`
 * that is exactly the next N sales); `rate` (0..1) hits that share of sales, drawn from the seeded PRNG so a
 * run repeats exactly.
 */
export interface SaleFaultRule {
  /** Milliseconds; what it delays depends on the fault (see SaleFaultsConfig). */
  delayMs: number;
  next?: number;
  rate?: number;
}

/**
 * Faults of the money path, applied to `POST transactions` (transaction.sale) only. A sale may draw several:
 * it is then processed `lateProcessing.delayMs` after it arrived, answered `lateAnswer.delayMs` after that,
 * and hidden from search for `searchLag.delayMs` after it was processed.
 */
export interface SaleFaultsConfig {
  /** Processed at once (found by `transaction.find` and, lag aside, by search), answer held back delayMs. */
  lateAnswer?: SaleFaultRule;
  /** Nothing happens for delayMs (no answer, no transaction); then processed and answered. */
  lateProcessing?: SaleFaultRule;
  /** The sale's transaction is left out of `transaction.search` until delayMs (sandbox clock) after creation. */
  searchLag?: SaleFaultRule;
  seed?: number;
}

/** What the next sale is in for (0 = no delay). */
export interface SalePlan {
  processAfterMs: number;
  answerAfterMs: number;
  searchLagMs: number;
}

export const NO_SALE_FAULT: SalePlan = { processAfterMs: 0, answerAfterMs: 0, searchLagMs: 0 };

type FaultName = 'lateProcessing' | 'lateAnswer' | 'searchLag';
/** Fixed order in which the rules draw from the PRNG, so a seed gives the same plan sequence. */
const FAULT_NAMES: FaultName[] = ['lateProcessing', 'lateAnswer', 'searchLag'];

/** How a held request ended: its delay elapsed, or the emulator was reset/closed first. */
export type HoldEnd = 'elapsed' | 'cancelled';

/** Checks a control-API body; returns the config or a message for a 400. */
export function parseSaleFaults(body: unknown): SaleFaultsConfig | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'give a JSON object' };
  const b = body as Record<string, unknown>;
  const out: SaleFaultsConfig = {};
  for (const key of Object.keys(b)) {
    if (key === 'seed') {
      if (typeof b[key] !== 'number' || !Number.isFinite(b[key])) return { error: 'seed must be a number' };
      out.seed = b[key] as number;
      continue;
    }
    if (!(FAULT_NAMES as string[]).includes(key)) {
      return { error: `unknown fault "${key}" (known: ${FAULT_NAMES.join(', ')}, seed)` };
    }
    const raw = b[key];
    if (raw === null || raw === undefined) continue;
    const r = raw as Record<string, unknown>;
    const isCount = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);
    const isRate = (v: unknown) => v === undefined || (typeof v === 'number' && v >= 0 && v <= 1);
    if (typeof r !== 'object' || typeof r['delayMs'] !== 'number' || !(r['delayMs'] >= 0)) {
      return { error: `${key}.delayMs must be a number of milliseconds >= 0` };
    }
    if (!Number.isFinite(r['delayMs'])) return { error: `${key}.delayMs must be finite` };
    if (!isCount(r['next'])) return { error: `${key}.next must be an integer >= 0` };
    if (!isRate(r['rate'])) return { error: `${key}.rate must be between 0 and 1` };
    out[key as FaultName] = {
      delayMs: r['delayMs'] as number,
      ...(r['next'] !== undefined ? { next: r['next'] as number } : {}),
      ...(r['rate'] !== undefined ? { rate: r['rate'] as number } : {}),
    };
  }
  return out;
}

/**
 * Seeded, per-sale fault decisions plus the timers that hold sales back. Reset and close cancel every
 * held sale: a late-processing sale is then never processed (its request is answered 503), a late answer
 * is sent at once.
 */
export class SaleFaults {
  private config: SaleFaultsConfig = {};
  private hits: Record<FaultName, number> = { lateProcessing: 0, lateAnswer: 0, searchLag: 0 };
  private random = seededRandom(1);
  private readonly held = new Set<{ timer: NodeJS.Timeout; end: (how: HoldEnd) => void }>();

  configure(config: SaleFaultsConfig): void {
    this.config = { ...config };
    this.random = seededRandom(config.seed ?? 1);
    this.hits = { lateProcessing: 0, lateAnswer: 0, searchLag: 0 };
  }

  /** Forgets the faults and cancels every held sale. */
  clear(): void {
    this.configure({});
    this.cancelHeld();
  }

  /** The configuration, with how many sales each fault has hit so far and how many sales are held now. */
  get current(): SaleFaultsConfig & { hits: Record<FaultName, number>; held: number } {
    return { ...this.config, hits: { ...this.hits }, held: this.held.size };
  }

  /** Draws the faults for one incoming sale (counts it against `next`). */
  plan(): SalePlan {
    const delay = (name: FaultName): number => {
      const rule = this.config[name];
      if (!rule) return 0;
      if (rule.next !== undefined && this.hits[name] >= rule.next) return 0;
      const rate = rule.rate ?? 1;
      // Always draw for a configured rule (even at rate 1) so one rule's count does not shift another's draws.
      const roll = this.random();
      if (roll >= rate) return 0;
      this.hits[name] += 1;
      return rule.delayMs;
    };
    const processAfterMs = delay('lateProcessing');
    const answerAfterMs = delay('lateAnswer');
    const searchLagMs = delay('searchLag');
    return { processAfterMs, answerAfterMs, searchLagMs };
  }

  /** Waits ms (real time); ends early with 'cancelled' on reset or close. */
  hold(ms: number): Promise<HoldEnd> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => entry.end('elapsed'), ms),
        end: (how: HoldEnd) => {
          clearTimeout(entry.timer);
          this.held.delete(entry);
          resolve(how);
        },
      };
      entry.timer.unref();
      this.held.add(entry);
    });
  }

  cancelHeld(): void {
    for (const entry of [...this.held]) entry.end('cancelled');
  }
}
