#!/usr/bin/env node
// Sandbox emulator throughput bench: requests/s of one simple authenticated request per emulator,
// compared in the same run with a bare Fastify hello-world.
//
//   node bench/sandbox/run.mjs [--duration 10] [--connections 10] [--warmup 2] [--only attio,zoho] [--rounds 3]
//        [--out file.json] [--profile]
//
// The emulators are TypeScript libraries; they are bundled with esbuild (workspace code inlined, npm
// packages left external) into tmp/bench-sandbox/, then each target runs in its own child process while
// autocannon drives it from this process. Prints a JSON summary on stdout (progress goes to stderr).
import { writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startChildTarget, stopChildTarget } from '../support/child-target.mjs';
import { build } from 'esbuild';
import { machineFacts, median } from '../support/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const TARGET_RPS = 2000;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string', default: 'baseline,attio,zoho,braintree' },
    // Several rounds, each in a rotated order, then the median: this machine is shared, so one sample lies.
    rounds: { type: 'string', default: '1' },
    out: { type: 'string' },
    // Writes a V8 CPU profile of each target process to tmp/bench-sandbox/profiles/ (open in Chrome DevTools).
    profile: { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const warmup = Number(args.warmup);
const rounds = Math.max(1, Number(args.rounds));
const names = args.only
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const log = (...parts) => console.error('[bench]', ...parts);

async function bundleTargets() {
  const outfile = join(root, 'tmp/bench-sandbox/targets.cjs');
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(here, 'targets.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // tsconfig paths (@aia/*) resolve to workspace sources, which get bundled; npm packages stay external.
    tsconfig: join(root, 'tsconfig.base.json'),
    plugins: [externalNodeModules()],
    logLevel: 'warning',
  });
  return outfile;
}

/** Marks bare imports external unless they are workspace aliases (@aia/*), so node_modules load normally. */
function externalNodeModules() {
  return {
    name: 'external-node-modules',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) =>
        a.path.startsWith('@aia/') ? undefined : { path: a.path, external: true },
      );
    },
  };
}

function startTarget(bundle, name) {
  const execArgv = args.profile
    ? ['--cpu-prof', '--cpu-prof-dir', join(root, 'tmp/bench-sandbox/profiles')]
    : [];
  return startChildTarget(bundle, [name], { cwd: root, execArgv });
}

const stopTarget = (target) => stopChildTarget(target);

/** One request before measuring: the bench must measure successful answers, not 401s or 404s. */
async function preflight(target) {
  const res = await fetch(target.url + target.path, { headers: target.headers });
  const body = await res.text();
  if (res.status !== 200 || !body.includes(target.expect)) {
    throw new Error(`${target.name}: preflight got ${res.status}: ${body.slice(0, 300)}`);
  }
  return { status: res.status, bytes: Buffer.byteLength(body) };
}

function cannon(target, seconds) {
  return autocannon({
    url: target.url + target.path,
    headers: target.headers,
    connections,
    duration: seconds,
  });
}

async function measure(bundle, name) {
  const target = await startTarget(bundle, name);
  try {
    const check = await preflight(target);
    if (warmup > 0) await cannon(target, warmup);
    const r = await cannon(target, duration);
    return {
      name,
      request: `GET ${target.path}`,
      responseBytes: check.bytes,
      requestsPerSec: {
        mean: Math.round(r.requests.average),
        stddev: Math.round(r.requests.stddev),
        min: r.requests.min,
        max: r.requests.max,
      },
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      total: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  } finally {
    await stopTarget(target);
  }
}

const bundle = await bundleTargets();
log(`bundled ${bundle}`);
const loadBefore = loadavg()[0];
const samples = new Map(names.map((n) => [n, []]));
for (let round = 0; round < rounds; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    log(
      `round ${round + 1}/${rounds} ${name}: ${duration}s, ${connections} connections (+${warmup}s warm-up)…`,
    );
    const r = await measure(bundle, name);
    samples.get(name).push(r);
    log(
      `${name}: ${r.requestsPerSec.mean} req/s, p99 ${r.latencyMs.p99} ms, non2xx ${r.non2xx}, errors ${r.errors}`,
    );
  }
}
const results = names.map((name) => {
  const runs = samples.get(name);
  const medianRun = runs.find(
    (r) => r.requestsPerSec.mean === median(runs.map((x) => x.requestsPerSec.mean)),
  );
  return {
    ...medianRun,
    requestsPerSecMedian: medianRun.requestsPerSec.mean,
    requestsPerSecByRound: runs.map((r) => r.requestsPerSec.mean),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
  };
});
const baselineRps = results.find((r) => r.name === 'baseline')?.requestsPerSecMedian;
const summary = {
  ...machineFacts(loadBefore),
  settings: {
    durationSeconds: duration,
    warmupSeconds: warmup,
    connections,
    rounds,
    loadGenerator: 'autocannon (parent process)',
    server: 'one child process per target',
  },
  targetRequestsPerSec: TARGET_RPS,
  results: results.map((r) => ({
    ...r,
    ofBaseline: baselineRps ? Number((r.requestsPerSecMedian / baselineRps).toFixed(2)) : undefined,
    meetsTarget:
      r.name === 'baseline'
        ? undefined
        : r.requestsPerSecMedian >= TARGET_RPS && r.non2xx === 0 && r.errors === 0,
  })),
};
if (args.out) writeFileSync(resolve(args.out), JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary, null, 2));
const failed = summary.results.filter((r) => r.meetsTarget === false);
process.exitCode = failed.length ? 1 : 0;
