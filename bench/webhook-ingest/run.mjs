#!/usr/bin/env node
// Webhook ingest bench: autocannon POSTs signed, unique Zoho webhooks to the API's /webhooks/zoho and,
// in the same run, to a bare Fastify server doing the same HMAC check and the same SQLite writes.
//
//   node bench/webhook-ingest/run.mjs [--duration 10] [--connections 10] [--rate 300] [--warmup 2]
//        [--rounds 5] [--max-steal 5] [--no-workers] [--out file.json]
//
// Two phases per target, each in a fresh child process and data dir (the ratio is the median of the
// per-round API/bare ratios, see below):
//   max   — as fast as it answers (throughput, compared as a ratio with the bare server)
//   fixed — an open-loop --rate requests/s (latency target: p99 ≤ 25 ms at 300 req/s)
// After each phase the child stops and the events table is counted: stored must equal acknowledged (2xx).
// Prints a JSON summary on stdout (progress on stderr); exit code 1 when a target is missed.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    'no-workers': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const rate = Number(args.rate);
const warmup = Number(args.warmup);
const rounds = Math.max(1, Number(args.rounds));
const maxSteal = Number(args['max-steal']);
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
    env: { ...process.env, BENCH_WORKERS: args['no-workers'] ? '0' : '1' },
    // The API logs a JSON line per request, as in production; the bench discards them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

const stop = (target) => stopChildTarget(target, 10_000);

/** Each request: a fresh event id, its body signed like Zoho does (HMAC-SHA256 hex of the raw body). */
function signedRequest() {
  const runId = randomUUID().slice(0, 8);
  let n = 0;
  return (req) => {
    n++;
    const body = JSON.stringify({
      event_id: `${runId}-${n}`,
      event_type: 'invoice_created',
      data: { invoice: { invoice_id: `inv-${n % 500}`, total: 49.0, currency_code: 'USD' } },
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
  const dataDir = mkdtempSync(join(tmpdir(), `aia-bench-${kind}-`));
  const target = await start(bundleFile, kind, dataDir);
  let acknowledged = 0;
  let result;
  try {
    // Warm-up first (JIT, SQLite page cache); its requests count in the stored/acknowledged check too.
    const perSecond = overallRate ?? 400;
    if (warmup > 0)
      acknowledged += (await cannon(target.url, Math.round(warmup * perSecond), overallRate))['2xx'];
    const amount = overallRate ? Math.round(overallRate * duration) : Math.round(duration * maxGuess[kind]);
    const cpuBefore = cpuTimes();
    result = await cannon(target.url, amount, overallRate);
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
  };
}

/** Requests per max-throughput run, sized so a run lasts about --duration seconds on this machine. */
const maxGuess = { bare: 1500, api: 900 };

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
      `${kind}: ${max.requestsPerSec} req/s, p50 ${max.latencyMs.p50} ms, p99 ${max.latencyMs.p99} ms, stored ${max.stored}/${max.acknowledged}, steal ${max.stealPercent ?? '?'} %`,
    );
    log(`round ${round + 1}/${rounds} ${kind}: fixed ${rate} req/s, ${duration}s…`);
    const fixed = await phase(bundleFile, kind, rate);
    log(
      `${kind}: at ${rate} req/s p50 ${fixed.latencyMs.p50} ms, p99 ${fixed.latencyMs.p99} ms, stored ${fixed.stored}/${fixed.acknowledged}`,
    );
    pair[kind] = { max, fixed };
  }
  const stolen = Math.max(pair.bare.max.stealPercent ?? 0, pair.api.max.stealPercent ?? 0);
  if (stolen > maxSteal && discardedRounds.length < rounds) {
    log(
      `round ${round + 1}: ${stolen} % of the CPU was stolen by the hypervisor (> ${maxSteal} %); measuring it again`,
    );
    discardedRounds.push({
      stealPercent: stolen,
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
const storedMatches = allRuns('api').every((r) => r.stored === r.acknowledged);
const summary = {
  ...machineFacts(loadBefore),
  settings: {
    durationSeconds: duration,
    warmupSeconds: warmup,
    connections,
    fixedRate: rate,
    rounds,
    maxStealPercent: maxSteal,
    apiWorkers: !args['no-workers'],
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
