#!/usr/bin/env node
// Webhook ingest bench: autocannon POSTs signed, unique Zoho webhooks to the API's /webhooks/zoho and,
// in the same run, to a bare Fastify server doing the same HMAC check and writing the same rows with plain
// better-sqlite3 statements, equally durable (synchronous=FULL before the 200; see targets.ts).
//
//   node bench/webhook-ingest/run.mjs [--duration 10] [--connections 10] [--rate 300] [--warmup 2]
//        [--rounds 5] [--max-steal 5] [--max-foreign 10] [--quiet-wait 120] [--no-workers]
//        [--bare plain|group] [--out file.json]
//
// Two phases per target, each in a fresh child process and data dir (the ratio is the median of the
// per-round API/bare ratios, see below):
//   max   — as fast as it answers (throughput, compared as a ratio with the bare server)
//   fixed — an open-loop --rate requests/s (latency target: p99 ≤ 25 ms at 300 req/s)
// After each phase the child stops and the events table is counted: stored must equal acknowledged (2xx).
// Prints a JSON summary on stdout (progress on stderr); exit code 1 when a target is missed.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startChildTarget, stopChildTarget } from '../support/child-target.mjs';
import { bundleNodeApp } from '../../tools/build-node-app.mjs';
import { cpuTimes, machineFacts, median, stealPercent } from '../support/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

// The sandbox default of ZOHO_WEBHOOK_SECRET (libs/platform sandbox-defaults.ts); the targets load the
// same config, so the signatures verify.
const SECRET = process.env.ZOHO_WEBHOOK_SECRET || 'sandboxzohowebhooksecret';
// No workflow handles it; targets.ts registers a no-op handler for it in the API (see there).
const EVENT_TYPE = process.env.BENCH_EVENT_TYPE || 'subscription_renewed';
const TARGETS = { ratio: 0.7, p99Ms: 25 };

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '2' },
    // Rounds alternate bare/api and the median is reported: the machine is shared, one sample lies.
    rounds: { type: 'string', default: '5' },
    // A round in which the hypervisor stole more than this share of the CPU during a max-throughput run is
    // measured again (at most --rounds extra times) and reported under discardedRounds.
    'max-steal': { type: 'string', default: '5' },
    // Likewise for CPU used by other processes on this machine (other sessions' tests and benches): a round
    // in which they took more than this share of both cores during a run is measured again.
    'max-foreign': { type: 'string', default: '10' },
    // Before each phase, wait (at most this many seconds) until the machine is quiet: less than 10 % of both
    // cores busy in each of 3 consecutive seconds while nothing of this run is running.
    'quiet-wait': { type: 'string', default: '120' },
    'no-workers': { type: 'boolean', default: false },
    // The bare server's commits: `plain` (one per request, the baseline) or `group` (see targets.ts).
    bare: { type: 'string', default: 'plain' },
    out: { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const rate = Number(args.rate);
const warmup = Number(args.warmup);
const rounds = Math.max(1, Number(args.rounds));
const maxSteal = Number(args['max-steal']);
const maxForeign = Number(args['max-foreign']);
const quietWait = Number(args['quiet-wait']);
const log = (...parts) => console.error('[bench]', ...parts);

/** Bundles targets.ts the way the API is built (tools/build-node-app.mjs). */
async function bundle() {
  return bundleNodeApp({
    entry: 'bench/webhook-ingest/targets.ts',
    outfile: 'tmp/bench-webhook-ingest/targets.js',
    sourcemap: false,
  });
}

function start(bundleFile, kind, dataDir) {
  return startChildTarget(bundleFile, [kind, dataDir], {
    cwd: root,
    env: {
      ...process.env,
      BENCH_WORKERS: args['no-workers'] ? '0' : '1',
      BENCH_EVENT_TYPE: EVENT_TYPE,
      BENCH_BARE: args.bare,
    },
    // The API logs a JSON line per request, as in production; the bench discards them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

const stop = (target) => stopChildTarget(target, 10_000);

/**
 * CPU time, in jiffies (1/100 s), of the whole machine (busy and total, /proc/stat) and of the processes of
 * this run (the load generator and the target, with its threads): the difference of two snapshots tells how
 * much of both cores other processes took during a run. Undefined where /proc is missing.
 */
function cpuSnapshot(childPid) {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const busy = total - f[3] - (f[4] ?? 0);
    const stat = readFileSync(`/proc/${childPid}/stat`, 'utf8');
    const after = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = process.cpuUsage();
    const mine = after[11] + after[12] + (own.user + own.system) / 10_000;
    return { total, busy, mine };
  } catch {
    return undefined;
  }
}

/** Busy share of both cores over `ms` (undefined where /proc/stat is missing). */
async function busyPercent(ms) {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { total, busy: total - f[3] - (f[4] ?? 0) };
  };
  try {
    const a = read();
    await new Promise((r) => setTimeout(r, ms));
    const b = read();
    return (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total);
  } catch {
    return undefined;
  }
}

/**
 * Waits until other processes leave the machine quiet for 3 s in a row (or --quiet-wait runs out); returns the
 * seconds waited. Other sessions' test runs and builds come in bursts; a single quiet second proved too short.
 */
async function waitForQuiet() {
  const started = Date.now();
  let quietSeconds = 0;
  while (quietSeconds < 3 && (Date.now() - started) / 1000 < quietWait) {
    const busy = await busyPercent(1000);
    if (busy === undefined) break;
    quietSeconds = busy < 10 ? quietSeconds + 1 : 0;
  }
  return Math.round((Date.now() - started) / 1000);
}

/** Share of all CPU time between two snapshots used by processes outside this run. */
function foreignPercent(before, after) {
  if (!before || !after || after.total <= before.total) return undefined;
  const foreign = after.busy - before.busy - (after.mine - before.mine);
  return Number(Math.max(0, (100 * foreign) / (after.total - before.total)).toFixed(1));
}

/** Each request: a fresh event id, its body signed like Zoho does (HMAC-SHA256 hex of the raw body). */
function signedRequest() {
  const runId = randomUUID().slice(0, 8);
  let n = 0;
  return (req) => {
    n++;
    const body = JSON.stringify({
      event_id: `${runId}-${n}`,
      event_type: EVENT_TYPE,
      data: {
        subscription: { subscription_id: `sub-${n % 500}`, customer_id: `cus-${n % 500}`, status: 'live' },
      },
    });
    return {
      ...req,
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-zoho-webhook-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
      },
    };
  };
}

/**
 * A fixed number of requests (not a duration), so every request is answered before the count: requests
 * cut off at the end of a timed run may be stored without their answer being counted.
 * Max phase: `seconds` × a throughput guess, open-ended; fixed phase: rate × seconds at that rate.
 */
function cannon(url, amount, overallRate) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let lastResponseAt = started;
    const instance = autocannon(
      {
        url: `${url}/webhooks/zoho`,
        connections,
        amount,
        ...(overallRate ? { overallRate } : {}),
        requests: [{ setupRequest: signedRequest() }],
      },
      (err, result) =>
        err ? reject(err) : resolve({ ...result, elapsedSeconds: (lastResponseAt - started) / 1000 }),
    );
    // Timed from the responses: autocannon's own `duration`, and the moment it resolves, follow its
    // once-a-second ticker, which quantised the throughput of an ~8 s run in steps of about 12 %.
    instance.on('response', () => (lastResponseAt = performance.now()));
  });
}

function countStored(dataDir) {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM events').get();
  db.close();
  return n;
}

async function phase(bundleFile, kind, overallRate) {
  const waitedForQuietSeconds = await waitForQuiet();
  const dataDir = mkdtempSync(join(tmpdir(), `aia-bench-${kind}-`));
  const target = await start(bundleFile, kind, dataDir);
  let acknowledged = 0;
  let result;
  try {
    // Warm-up first (JIT, SQLite page cache); its requests count in the stored/acknowledged check too.
    // Max phase: the warm-up runs as fast as answered too, and its throughput sizes the measured run.
    const perSecond = overallRate ?? 400;
    let warmRps = maxGuess[kind];
    if (warmup > 0) {
      const warm = await cannon(target.url, Math.round(warmup * perSecond), overallRate);
      acknowledged += warm['2xx'];
      if (!overallRate) warmRps = Math.max(200, warm.requests.total / warm.elapsedSeconds);
    }
    const amount = overallRate ? Math.round(overallRate * duration) : Math.round(duration * warmRps);
    const cpuBefore = cpuTimes();
    const mineBefore = cpuSnapshot(target.child.pid);
    result = await cannon(target.url, amount, overallRate);
    result.foreignPercent = foreignPercent(mineBefore, cpuSnapshot(target.child.pid));
    result.stealPercent = stealPercent(cpuBefore, cpuTimes());
    acknowledged += result['2xx'];
  } finally {
    await stop(target);
  }
  const stored = countStored(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  return {
    requestsPerSec: Math.round(result.requests.total / result.elapsedSeconds),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    total: result.requests.total,
    seconds: Number(result.elapsedSeconds.toFixed(2)),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    acknowledged,
    stored,
    stealPercent: result.stealPercent,
    foreignCpuPercent: result.foreignPercent,
    waitedForQuietSeconds,
  };
}

/** Requests/s assumed for a max-throughput run when there is no warm-up to measure it. */
const maxGuess = { bare: 1000, api: 1000 };

const bundleFile = await bundle();
log(`bundled ${bundleFile}`);
const loadBefore = loadavg()[0];
const samples = { bare: [], api: [] };
const discardedRounds = [];
for (let round = 0, attempt = 0; round < rounds; attempt++) {
  const order = attempt % 2 === 0 ? ['bare', 'api'] : ['api', 'bare'];
  const pair = {};
  for (const kind of order) {
    log(`round ${round + 1}/${rounds} ${kind}: max throughput, ~${duration}s, ${connections} connections…`);
    const max = await phase(bundleFile, kind);
    log(
      `${kind}: ${max.requestsPerSec} req/s, p50 ${max.latencyMs.p50} ms, p99 ${max.latencyMs.p99} ms, stored ${max.stored}/${max.acknowledged}, steal ${max.stealPercent ?? '?'} %, other processes ${max.foreignCpuPercent ?? '?'} % (waited ${max.waitedForQuietSeconds} s for quiet)`,
    );
    log(`round ${round + 1}/${rounds} ${kind}: fixed ${rate} req/s, ${duration}s…`);
    const fixed = await phase(bundleFile, kind, rate);
    log(
      `${kind}: at ${rate} req/s p50 ${fixed.latencyMs.p50} ms, p99 ${fixed.latencyMs.p99} ms, stored ${fixed.stored}/${fixed.acknowledged}, other processes ${fixed.foreignCpuPercent ?? '?'} %`,
    );
    pair[kind] = { max, fixed };
  }
  const stolen = Math.max(pair.bare.max.stealPercent ?? 0, pair.api.max.stealPercent ?? 0);
  const foreign = Math.max(
    ...['bare', 'api'].flatMap((k) => [
      pair[k].max.foreignCpuPercent ?? 0,
      pair[k].fixed.foreignCpuPercent ?? 0,
    ]),
  );
  if ((stolen > maxSteal || foreign > maxForeign) && discardedRounds.length < rounds) {
    log(
      `round ${round + 1}: steal ${stolen} % (limit ${maxSteal}), other processes ${foreign} % (limit ${maxForeign}); measuring it again`,
    );
    discardedRounds.push({
      stealPercent: stolen,
      foreignCpuPercent: foreign,
      bare: pair.bare.max.requestsPerSec,
      api: pair.api.max.requestsPerSec,
    });
    continue;
  }
  for (const kind of order) samples[kind].push(pair[kind]);
  round++;
}
/** The round with the median throughput (max) and the round with the median p99 (fixed). */
const pick = (kind) => {
  const runs = samples[kind];
  const mRps = median(runs.map((r) => r.max.requestsPerSec));
  const mP99 = median(runs.map((r) => r.fixed.latencyMs.p99));
  return {
    max: runs.find((r) => r.max.requestsPerSec === mRps).max,
    fixed: runs.find((r) => r.fixed.latencyMs.p99 === mP99).fixed,
    maxRequestsPerSecByRound: runs.map((r) => r.max.requestsPerSec),
    maxStealPercentByRound: runs.map((r) => r.max.stealPercent),
    maxForeignCpuPercentByRound: runs.map((r) => r.max.foreignCpuPercent),
    fixedForeignCpuPercentByRound: runs.map((r) => r.fixed.foreignCpuPercent),
    fixedP99ByRound: runs.map((r) => r.fixed.latencyMs.p99),
  };
};
const out = { bare: pick('bare'), api: pick('api') };
const allRuns = (kind) => samples[kind].flatMap((r) => [r.max, r.fixed]);
// The ratio is taken within each round (its bare and API runs are back to back) and the median of those is
// the headline: a paired comparison, so a slow stretch of this shared VM (CPU steal) slows both sides of
// a pair instead of whichever side's median it happened to land on. The ratio of the two medians is
// reported too.
const roundRatios = samples.api.map((r, i) => r.max.requestsPerSec / samples.bare[i].max.requestsPerSec);
const ratio = Number(median(roundRatios).toFixed(2));
const ratioOfMedians = Number((out.api.max.requestsPerSec / out.bare.max.requestsPerSec).toFixed(2));
const storedMatches = [...allRuns('api'), ...allRuns('bare')].every((r) => r.stored === r.acknowledged);
const summary = {
  ...machineFacts(loadBefore),
  settings: {
    durationSeconds: duration,
    warmupSeconds: warmup,
    connections,
    fixedRate: rate,
    rounds,
    maxStealPercent: maxSteal,
    maxForeignCpuPercent: maxForeign,
    quietWaitSeconds: quietWait,
    apiWorkers: !args['no-workers'],
    eventType: EVENT_TYPE,
    bare:
      args.bare === 'group'
        ? 'plain Fastify + HMAC + plain better-sqlite3 statements, inbox and job row, WAL, synchronous=FULL, requests within 1 ms committed together'
        : 'plain Fastify + HMAC + plain better-sqlite3 statements, inbox and job row in one transaction, WAL, synchronous=FULL per request',
  },
  results: out,
  ratioApiToBare: ratio,
  ratioByRound: roundRatios.map((r) => Number(r.toFixed(2))),
  ratioOfMedians,
  discardedRounds,
  checks: {
    ratioAtLeast07: ratio >= TARGETS.ratio,
    p99AtFixedRateMs: out.api.fixed.latencyMs.p99,
    p99AtMost25ms: out.api.fixed.latencyMs.p99 <= TARGETS.p99Ms,
    storedEqualsAcknowledged: storedMatches,
    no5xxOrErrors: allRuns('api').every((r) => r.non2xx === 0 && r.errors === 0),
  },
};
if (args.out) writeFileSync(resolve(args.out), JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary, null, 2));
process.exitCode = Object.values(summary.checks).every((v) => typeof v !== 'boolean' || v) ? 0 : 1;
