/*
 * `npm run demo` (tools/demo.mjs bundles and runs this file): the whole lifecycle against the sandbox, step
 * by step, with the real built processes. Exits 0 when every step reached its state, 1 otherwise (2 on a
 * usage error, 130 on Ctrl-C). Options: --keep (leave everything running afterwards to look around the
 * ops page; Ctrl-C stops it). DEMO_BREAK=<step number> makes that step's expectation impossible, to see
 * (and test) how a failure is reported.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SANDBOX_DEFAULTS } from '@aia/platform';
import { buildSteps, DemoState } from './scenario';
import { DemoSettings } from './stack';
import { formatSeconds, runSteps } from './step-runner';

const DEFAULT_RETRY_SCHEDULE = '1d,3d,5d,7d';
const DEMO_RETRY_SCHEDULE = '1s,10m,20m,30m';

/** Set on Ctrl-C: the steps cut short are no failures to report. */
let interrupted = false;
const write = (text: string) => {
  if (!interrupted) process.stdout.write(text);
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--keep');
  if (unknown.length) {
    process.stderr.write(`usage: npm run demo [-- --keep]   (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const keep = args.includes('--keep');
  const breakStep = process.env['DEMO_BREAK'] ? Number(process.env['DEMO_BREAK']) : undefined;
  if (breakStep !== undefined && !(Number.isInteger(breakStep) && breakStep > 0)) {
    process.stderr.write(`DEMO_BREAK must be a step number, got "${process.env['DEMO_BREAK']}"\n`);
    return 2;
  }

  const root = process.env['DEMO_ROOT'] ?? process.cwd();
  mkdirSync(join(root, 'tmp', 'demo'), { recursive: true });
  const workDir = mkdtempSync(join(root, 'tmp', 'demo', 'run-'));
  const settings: DemoSettings = {
    root,
    workDir,
    retrySchedule: DEMO_RETRY_SCHEDULE,
    adminToken: SANDBOX_DEFAULTS.ADMIN_TOKEN,
    services: [],
  };
  const state: DemoState = {};
  const steps = buildSteps(settings, state);

  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      await state.browser?.close().catch(() => undefined);
      await Promise.allSettled([...settings.services].reverse().map((s) => s.stop()));
    })());
  process.once('exit', () => settings.services.forEach((s) => s.killNow()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      write(`\n${signal}: stopping the sandbox, the API and the checkout page…\n`);
      interrupted = true;
      void stopAll().then(() => process.exit(130));
    });
  }

  write(
    [
      'Guided demo: the subscription lifecycle against the sandbox emulators of Attio, Zoho Billing and Braintree.',
      `Everything runs on free ports with a fresh data directory (${relative(root, workDir)}); your ./data and .env are not used.`,
      `Recovery retry delays are shortened for the demo: PAYMENT_RETRY_SCHEDULE=${DEMO_RETRY_SCHEDULE} (default ${DEFAULT_RETRY_SCHEDULE}).`,
      ...(breakStep ? [`DEMO_BREAK=${breakStep}: step ${breakStep} is made to fail on purpose.`] : []),
      '',
    ].join('\n') + '\n',
  );

  // A process that dies during the demo fails the step that is running (the stack reports it once started).
  const fatal = new Promise<never>((_, reject) => (state.reportFatal = reject));
  fatal.catch(() => undefined);

  const result = await runSteps(steps, { write, breakStep, fatal });
  // Ctrl-C: the signal handler stops everything and exits; the step it cut short is no failure to report.
  if (interrupted) return new Promise<number>(() => undefined);

  if (!result.ok) {
    const api = state.stack?.api;
    if (api) {
      write(`\n--- last 40 lines of the API log (${relative(root, api.logFile)}) ---\n`);
      for (const line of api.lastLines(40)) write(`${line}\n`);
      write('---\n');
    }
    write(
      `\nDemo FAILED at step ${result.failure.step}/${steps.length} (${result.failure.title}) after ${formatSeconds(result.elapsedMs)}.\n` +
        `Logs of every process: ${relative(root, workDir)}/*.log\n`,
    );
    await stopAll();
    return 1;
  }

  const urls = state.stack?.urls;
  write(
    [
      '',
      `Demo passed: ${steps.length} steps in ${formatSeconds(result.elapsedMs)} (${formatSeconds(result.elapsedMs - result.stepMs[0])} after the build).`,
      `Ops page: ${urls?.checkout}/ops — sign in with the admin token ${settings.adminToken}`,
      keep
        ? 'Everything keeps running (--keep); press Ctrl-C to stop.'
        : 'Stopping everything now; run `npm run demo -- --keep` to look around the ops page afterwards.',
      '',
    ].join('\n'),
  );
  if (keep) return new Promise<number>(() => undefined);
  await stopAll();
  rmSync(workDir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `demo crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    void Promise.resolve(process.exit(1));
  },
);
