/*
 * Runs the demo's steps one after the other: a numbered progress line per step saying what it waits for,
 * then ✓ with the time it took and what it found, or ✗ with what was expected and what was found instead.
 * Pure (output goes to a writer, time comes from a clock) so the formatting and the timeout are unit-tested.
 */

/** A step did not reach the state it waits for: both sides in words, for the failure message. */
export class ExpectationFailed extends Error {
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}; found ${found}`);
    this.name = 'ExpectationFailed';
  }
}

export interface StepContext {
  /** Aborted when the step times out or the demo stops: long waits must give up. */
  readonly signal: AbortSignal;
  /** Set for the step named by DEMO_BREAK: its waits never accept, so the failure path can be seen. */
  readonly broken: boolean;
  /** What the step sees right now (shown as "found" if it times out). */
  observe(found: string): void;
  /**
   * Polls `probe` until it returns a value (not undefined/false). Every poll's `found` text is observed.
   * Gives up, throwing, when the step's signal is aborted.
   */
  until<T>(probe: () => Promise<Probe<T>>, intervalMs?: number): Promise<T>;
}

export interface Probe<T> {
  value: T | undefined | false;
  found: string;
}

export interface StepOutcome {
  /** Shown in brackets after the time, e.g. "Braintree customer at_…, Zoho subscription …". */
  detail?: string;
  /** Extra indented lines printed under the step (links, tables). */
  lines?: string[];
}

export interface Step {
  title: string;
  /** What the step waits for, in words; also the "expected" of a timeout. */
  waitsFor: string;
  timeoutMs: number;
  run(ctx: StepContext): Promise<StepOutcome | void>;
}

export interface RunnerOptions {
  write(text: string): void;
  now?: () => number;
  /** 1-based number of the step whose expectation is made impossible (DEMO_BREAK). */
  breakStep?: number;
  /** Rejects when something outside the steps fails (a process died): the current step fails with it. */
  fatal?: Promise<never>;
}

export interface StepFailure {
  step: number;
  title: string;
  expected: string;
  found: string;
  elapsedMs: number;
}

/** `stepMs`: how long each finished step took, in order. */
export type RunResult =
  | { ok: true; elapsedMs: number; stepMs: number[] }
  | { ok: false; elapsedMs: number; stepMs: number[]; failure: StepFailure };

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `[3/9] Title — waiting for …` (the ✓/✗ and timing are appended to the same line). */
export function stepHeading(index: number, total: number, step: Pick<Step, 'title' | 'waitsFor'>): string {
  const width = String(total).length;
  return `[${String(index).padStart(width)}/${total}] ${step.title} — waiting for ${step.waitsFor} …`;
}

export function successLine(elapsedMs: number, detail?: string): string {
  return ` ✓ ${formatSeconds(elapsedMs)}${detail ? ` (${detail})` : ''}\n`;
}

export function failureLines(failure: StepFailure): string[] {
  return [
    ` ✗ after ${formatSeconds(failure.elapsedMs)}\n`,
    `      expected: ${failure.expected}\n`,
    `      found:    ${failure.found}\n`,
  ];
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

class StepAborted extends Error {}

export async function runSteps(steps: readonly Step[], options: RunnerOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const stepMs: number[] = [];
  for (const [i, step] of steps.entries()) {
    const number = i + 1;
    options.write(stepHeading(number, steps.length, step));
    const stepStarted = now();
    const controller = new AbortController();
    let found = 'nothing observed yet';
    const ctx: StepContext = {
      signal: controller.signal,
      broken: options.breakStep === number,
      observe: (text) => (found = text),
      until: async <T>(probe: () => Promise<Probe<T>>, intervalMs = 200): Promise<T> => {
        for (;;) {
          if (controller.signal.aborted) throw new StepAborted('step aborted');
          const result = await probe();
          found = result.found;
          if (result.value !== undefined && result.value !== false && !ctx.broken) return result.value;
          await sleep(intervalMs, controller.signal);
        }
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), step.timeoutMs);
    });
    try {
      const outcome = await Promise.race([
        step.run(ctx),
        timedOut,
        ...(options.fatal ? [options.fatal] : []),
      ]);
      if (outcome === 'timeout') {
        throw new ExpectationFailed(
          `${step.waitsFor} within ${formatSeconds(step.timeoutMs)}${ctx.broken ? ' (DEMO_BREAK: made impossible on purpose)' : ''}`,
          found,
        );
      }
      stepMs.push(now() - stepStarted);
      options.write(successLine(stepMs[i], outcome?.detail));
      for (const line of outcome?.lines ?? []) options.write(`      ${line}\n`);
    } catch (err) {
      const failure: StepFailure = {
        step: number,
        title: step.title,
        expected: err instanceof ExpectationFailed ? err.expected : step.waitsFor,
        found:
          err instanceof ExpectationFailed
            ? err.found
            : `${err instanceof Error ? err.message : String(err)} (last seen: ${found})`,
        elapsedMs: now() - stepStarted,
      };
      for (const line of failureLines(failure)) options.write(line);
      return { ok: false, elapsedMs: now() - started, stepMs, failure };
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
  return { ok: true, elapsedMs: now() - started, stepMs };
}
