/* Parent side of the crash test: bundles the harness, runs it, kills it, restarts it. Test-only. */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../../../../..');

/** Bundles crash-harness.ts with esbuild (packages stay external and load from node_modules). */
export async function bundleHarness(): Promise<string> {
  const { build } = await import('esbuild');
  const outdir = join(ROOT, 'tmp', 'events-crash');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'harness.js');
  await build({
    entryPoints: [join(__dirname, 'crash-harness.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: join(ROOT, 'libs/events/tsconfig.json'),
    logLevel: 'silent',
    // Lets esbuild drop the parts of @aia/platform the harness never uses (and their heavy requires).
    plugins: [
      {
        name: 'local-sources-are-pure',
        setup(b) {
          b.onResolve({ filter: /^@aia\// }, async (args) => {
            if (args.pluginData === 'inner') return undefined;
            const r = await b.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              pluginData: 'inner',
            });
            return { ...r, sideEffects: false };
          });
        },
      },
    ],
  });
  return outfile;
}

export interface HarnessRun {
  child: ChildProcess;
  /** Resolves with the first stdout message matching `test`. */
  waitFor(
    test: (msg: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  stderr(): string;
}

export function runHarness(file: string, args: string[], env: Record<string, string> = {}): HarnessRun {
  const child = spawn(process.execPath, [file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    test: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }> = [];
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    messages.push(msg);
    for (const w of [...waiters]) if (w.test(msg)) w.resolve(msg);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    exited,
    stderr: () => err,
    waitFor(test, timeoutMs = 15_000) {
      const seen = messages.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveMsg, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`harness did not report in time; stderr: ${err}`)),
          timeoutMs,
        );
        waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolveMsg(m)) });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`harness exited (${code}) before reporting; stderr: ${err}`));
        });
      });
    },
  };
}

export interface CrashOutcome {
  /** Events not yet terminal when the first process died. */
  openAtKill: number;
  final: Record<string, number>;
  resumeExitCode: number | null;
  distinctEffects: number;
  redelivered: number;
}

/**
 * Accepts `count` events in a child, SIGKILLs it once `killAfter` were processed and a job is held
 * mid-handler, restarts it on the
 * same store and waits until every event is terminal.
 */
export async function runCrashScenario(
  dataDir: string,
  opts: { count: number; killAfter: number; env?: Record<string, string>; openEvents: () => Promise<number> },
): Promise<CrashOutcome> {
  const { default: Database } = await import('better-sqlite3');
  const harness = await bundleHarness();
  const first = runHarness(harness, [dataDir, 'ingest', String(opts.count)], {
    ...opts.env,
    CRASH_HOLD_AFTER: String(opts.killAfter),
  });
  await first.waitFor((m) => m['accepted'] === opts.count);
  // Killed while a job is provably between its delivery and its effect (the harness holds it there).
  await first.waitFor((m) => typeof m['holding'] === 'string');
  first.child.kill('SIGKILL');
  await first.exited;
  const openAtKill = await opts.openEvents();

  const second = runHarness(harness, [dataDir, 'resume'], opts.env);
  const report = await second.waitFor((m) => m['final'] !== undefined);
  const resumeExitCode = await second.exited;

  const effects = new Database(join(dataDir, 'effects.sqlite'), { readonly: true });
  const distinctEffects = (effects.prepare('SELECT COUNT(*) AS n FROM effects').get() as { n: number }).n;
  const redelivered = (
    effects
      .prepare(
        'SELECT COUNT(*) AS n FROM (SELECT event_id FROM deliveries GROUP BY event_id HAVING COUNT(*) > 1)',
      )
      .get() as { n: number }
  ).n;
  effects.close();
  return {
    openAtKill,
    final: report['final'] as Record<string, number>,
    resumeExitCode,
    distinctEffects,
    redelivered,
  };
}
