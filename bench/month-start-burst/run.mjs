#!/usr/bin/env node
// Month-start burst bench: N renewal invoices raised at once through the Zoho emulator's clock, with the
// emulators' rate limits on, paid by the real API. Measures the wall time until every renewal invoice is paid
// against the floor the platforms' limits allow, the upstream calls per invoice, 429s, duplicate charges and
// failed events; prints progress on stderr while it runs and a JSON summary on stdout.
//
//   node bench/month-start-burst/run.mjs [--invoices 500] [--zoho-rpm 600] [--attio-reads 100]
//        [--attio-writes 25] [--setup-concurrency 8] [--window-offset 1] [--progress 3] [--timeout 900]
//        [--settle 60] [--profile] [--out file.json]
//   --profile writes a CPU profile of the API covering the timed phase to tmp/bench-month-start-burst/api-burst.cpuprofile
//   (summarise with bench/checkout-completion/cpu-profile-summary.mjs).
//   BENCH_TRACE=zoho (or attio, braintree) prints every call of that platform the emulators answer, on stderr.
//
// Processes: the emulators (one child), the real API (another child; bench/checkout-completion/stack.ts), this
// driver. Set-up (not timed), through the product itself with every limit high (emulators 1e9; the API's Attio
// limiter lifted, ZOHO_REQUESTS_PER_MINUTE=1000000): N companies in Attio, the checkout trigger set on each
// (the API writes the links), N checkouts completed on a monthly plan (`pro-monthly`, 99 USD), and their first
// invoices paid by the API. Then the API is restarted with the product's own client-side limits (Attio 100
// reads/s + 25 writes/s, paced; ZOHO_REQUESTS_PER_MINUTE=--zoho-rpm) on the same data directory, the
// emulators' limits are set to the real ones, and the driver waits until the API's sliding 60 s Zoho window
// is empty (the restart reads the Zoho plans) and a fresh fixed minute window of the Zoho emulator begins
// (+ --window-offset s), so no set-up call counts against the timed phase. Timed phase: the
// Zoho clock is advanced to the subscriptions' next billing date (all N renew at once; Zoho sends N
// invoice_created and N subscription_renewed webhooks to the API) until every renewal invoice is paid.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleNodeApp } from '../../tools/build-node-app.mjs';
import { cpuTimes, machineFacts, stealPercent } from '../support/stats.mjs';
import {
  adminGet,
  codeFacts,
  diffMetrics,
  freePort,
  pool,
  procCpuMs,
  scrapeMetrics,
  startApiChild,
  startEmulatorsChild,
  tokenizeCard,
} from '../checkout-completion/stack.mjs';

const root = resolve(import.meta.dirname, '../..');
const log = (...parts) => console.error('[month-start-burst]', ...parts);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { values: args } = parseArgs({
  options: {
    invoices: { type: 'string', default: '500' },
    'zoho-rpm': { type: 'string', default: '600' },
    'attio-reads': { type: 'string', default: '100' },
    'attio-writes': { type: 'string', default: '25' },
    'setup-concurrency': { type: 'string', default: '8' },
    'window-offset': { type: 'string', default: '1' },
    progress: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '900' },
    settle: { type: 'string', default: '60' },
    // pro-monthly, not basic-monthly: the checkout's per-token throttler keys on the token's first 128
    // characters, which for a basic-monthly token hold only one character of the record id, so the set-up's
    // completions would share 16 buckets of 6/min and be answered 429 (reported to the lead).
    plan: { type: 'string', default: 'pro-monthly' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const N = Number(args.invoices);
const limits = {
  attioReadsPerSecond: Number(args['attio-reads']),
  attioWritesPerSecond: Number(args['attio-writes']),
  zohoRequestsPerMinute: Number(args['zoho-rpm']),
};
const TARGETS = { ratioMax: 1.2, callsPerInvoiceMax: 5 };
/** The calls the workflow was designed to make per invoice (invoice-payment.use-case.ts). */
const DESIGNED = {
  'attio.read POST /v2/objects/:object/records/query → 200': 1,
  'braintree POST /merchants/:merchantId/transactions → 201': 1,
  'zoho.billing POST /billing/v1/payments → 201': 1,
  'attio.write PATCH /v2/objects/:object/records/:record_id → 200': 1,
  'attio.write POST /v2/notes → 200': 1,
};

const loadBefore = loadavg()[0];
const bundleFile = await bundleNodeApp({
  entry: 'bench/month-start-burst/targets.ts',
  outfile: 'tmp/bench-month-start-burst/targets.js',
  sourcemap: false,
});
log(`bundled ${bundleFile}`);

const apiPort = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'aia-bench-burst-'));
const emu = await startEmulatorsChild(bundleFile, { cwd: root, apiPort });
const { urls } = emu;
const apiSettings = (clientLimits, zohoRequestsPerMinute) => ({
  port: apiPort,
  dataDir,
  urls,
  clientLimits,
  zohoRequestsPerMinute,
});
let api;
try {
  api = await startApiChild(bundleFile, { cwd: root, settings: apiSettings('high', 1_000_000) });
} catch (err) {
  // The emulators child must not outlive a run whose API cannot start.
  await emu.stop();
  rmSync(dataDir, { recursive: true, force: true });
  throw err;
}
log(`emulators ${JSON.stringify(urls)}, API ${api.url} (set-up: every limit high)`);

/** Events still to process (pending, processing, retrying) and jobs waiting or running. */
async function openWork(apiUrl) {
  const s = await adminGet(apiUrl, '/admin/stats');
  const e = s.events.byState;
  return {
    events: (e.pending ?? 0) + (e.processing ?? 0) + (e.retrying ?? 0),
    jobs: (s.jobs.waiting ?? 0) + (s.jobs.active ?? 0),
    byState: e,
  };
}

try {
  // ---- set-up (not timed) ----------------------------------------------------------------------------------
  const setupStarted = performance.now();
  const sessions = await emu.call('sessions', { n: N, plan: args.plan, batch: 50 });
  log(
    `set-up: ${sessions.length} checkout sessions (Attio trigger → link) in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );
  const nonces = await pool(sessions, 8, () => tokenizeCard(urls.braintree));
  let completed = 0;
  await pool(sessions, Number(args['setup-concurrency']), async (s, i) => {
    const res = await fetch(`${api.url}/checkout/sessions/${s.token}/complete`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      },
      body: JSON.stringify({
        nonce: nonces[i],
        billing: { name: 'Ada Lovelace', email: `burst${i}@example.com`, company: s.name },
      }),
    });
    if (res.status !== 200) throw new Error(`set-up checkout ${i}: ${res.status} ${await res.text()}`);
    if (++completed % 100 === 0) log(`set-up: ${completed}/${N} checkouts completed`);
  });
  for (;;) {
    const st = await emu.call('setup.state');
    const open = await openWork(api.url);
    if (st.paid >= N && st.invoices >= N && open.events === 0 && open.jobs === 0) break;
    if (performance.now() - setupStarted > 15 * 60_000)
      throw new Error(`set-up stuck: ${JSON.stringify({ st, open })}`);
    log(`set-up: first invoices paid ${st.paid}/${N}, open events ${open.events}, jobs ${open.jobs}`);
    await sleep(2000);
  }
  const setupSeconds = Number(((performance.now() - setupStarted) / 1000).toFixed(1));
  log(`set-up done in ${setupSeconds} s: ${N} subscribed customers, first invoices paid, API idle`);

  // ---- the product's own limits ------------------------------------------------------------------------------
  await api.stop();
  api = await startApiChild(bundleFile, {
    cwd: root,
    settings: apiSettings('default', limits.zohoRequestsPerMinute),
  });
  await emu.call('limits', limits);
  const days = await emu.call('burst.days');
  log(
    `API restarted with its default client limits (ZOHO_REQUESTS_PER_MINUTE=${limits.zohoRequestsPerMinute}); emulator limits ${JSON.stringify(limits)}; renewals due ${days.earliest}…${days.latest} (Zoho today ${days.today})`,
  );
  // Nothing of the set-up may count against the timed phase: the Zoho emulator's fixed minute window (set-up
  // calls) and the API's own sliding 60 s Zoho window (the restarted API reads the Zoho plans while it
  // provisions Attio). So: at least 60 s after the restart, at the start of a fresh minute, + --window-offset.
  const offsetMs = Number(args['window-offset']) * 1000;
  const earliest = Date.now() + 60_000;
  const startAt = earliest - (earliest % 60_000) + 60_000 + offsetMs;
  const waitMs = startAt - Date.now();
  log(
    `waiting ${(waitMs / 1000).toFixed(1)} s: the API's 60 s Zoho window empty and a fresh Zoho minute window (+${offsetMs / 1000} s)`,
  );
  await sleep(waitMs);

  // ---- timed phase -----------------------------------------------------------------------------------------
  const metricsBefore = await scrapeMetrics(api.url);
  if (args.profile) await api.call('profile.start');
  const cpuBefore = cpuTimes();
  const burstStartedAt = new Date();
  const start = await emu.call('burst.start', { days: days.days });
  if (start.raised !== N) log(`warning: ${start.raised} invoices raised, expected ${N}`);
  log(
    `clock advanced ${days.days} days to ${start.today} (${start.advanceMs} ms): ${start.raised} renewal invoices raised`,
  );
  const progressLog = [];
  const deadline = performance.now() + Number(args.timeout) * 1000;
  let progress;
  let openAtPaid;
  // CPU use of the API and the emulators between progress lines (% of one core): is the API waiting or working?
  let cpuMark = { at: performance.now(), api: procCpuMs(api.child.pid), emulators: procCpuMs(emu.child.pid) };
  const cpuBurst = { api: cpuMark.api, emulators: cpuMark.emulators, at: cpuMark.at };
  for (;;) {
    await sleep(Number(args.progress) * 1000);
    progress = await emu.call('burst.progress');
    const now = { at: performance.now(), api: procCpuMs(api.child.pid), emulators: procCpuMs(emu.child.pid) };
    progress.cpuPercent = {
      api: Math.round((100 * (now.api - cpuMark.api)) / (now.at - cpuMark.at)),
      emulators: Math.round((100 * (now.emulators - cpuMark.emulators)) / (now.at - cpuMark.at)),
    };
    cpuMark = now;
    progressLog.push(progress);
    const c = progress.calls;
    log(
      `t=${progress.elapsedSeconds.toFixed(0)}s paid ${progress.paid}/${progress.raised}, Attio notes ${progress.notes}; calls: Attio ${c['attio.read'] ?? 0} reads + ${c['attio.write'] ?? 0} writes, Zoho ${c['zoho.billing'] ?? 0}, Braintree ${c['braintree'] ?? 0}; 429s ${JSON.stringify(progress.rateLimited)}; CPU API ${progress.cpuPercent.api} %, emulators ${progress.cpuPercent.emulators} %`,
    );
    if (progress.paidAtSeconds !== undefined && openAtPaid === undefined)
      openAtPaid = await openWork(api.url);
    if (progress.paidAtSeconds !== undefined && progress.notedAtSeconds !== undefined) break;
    if (performance.now() > deadline) {
      log('timed out');
      break;
    }
  }
  const steal = stealPercent(cpuBefore, cpuTimes());
  const burstSeconds = (performance.now() - cpuBurst.at) / 1000;
  const cpuSeconds = {
    api: Number(((procCpuMs(api.child.pid) - cpuBurst.api) / 1000).toFixed(1)),
    emulators: Number(((procCpuMs(emu.child.pid) - cpuBurst.emulators) / 1000).toFixed(1)),
    overSeconds: Number(burstSeconds.toFixed(1)),
  };
  const atDone = await emu.call('counts.get');
  const metricsAtDone = await scrapeMetrics(api.url);
  if (args.profile) {
    log(
      `CPU profile of the API: ${await api.call('profile.stop', { file: join(root, 'tmp/bench-month-start-burst/api-burst.cpuprofile') })}`,
    );
  }

  // ---- after: events, checks -------------------------------------------------------------------------------
  const settleStarted = performance.now();
  const settleDeadline = settleStarted + Number(args.settle) * 1000;
  let open = await openWork(api.url);
  while ((open.events > 0 || open.jobs > 0) && performance.now() < settleDeadline) {
    await sleep(250);
    open = await openWork(api.url);
  }
  /** How long the events still queued when the last invoice was paid took to drain (upper bound: polled). */
  const drainedSeconds = Number(((performance.now() - settleStarted) / 1000).toFixed(1));
  const finalCounts = await emu.call('counts.get');
  const events = [];
  for (let offset = 0; ; offset += 200) {
    const page = await adminGet(api.url, `/admin/events?limit=200&offset=${offset}`);
    events.push(...page.items);
    if (page.items.length < 200) break;
  }
  const burstEvents = events.filter((e) => Date.parse(e.receivedAt) >= burstStartedAt.getTime());
  const byTypeState = {};
  for (const e of burstEvents) {
    const k = `${e.platform} ${e.type}`;
    byTypeState[k] ??= {};
    byTypeState[k][e.state] = (byTypeState[k][e.state] ?? 0) + 1;
  }
  const failedAttempts = [];
  for (const e of burstEvents.filter((x) => x.attempts > 1 || !['done', 'ignored'].includes(x.state))) {
    const detail = await adminGet(api.url, `/admin/events/${e.id}`);
    for (const a of detail.attemptLog ?? []) {
      if (a.outcome === 'failed') failedAttempts.push({ type: e.type, state: e.state, error: a.error });
    }
  }
  const rateLimitFailures = failedAttempts.filter((a) =>
    /429|rate.?limit|too many/i.test(JSON.stringify(a.error ?? '')),
  );
  const verification = await emu.call('burst.verify');
  const apiMetrics = diffMetrics(metricsBefore, metricsAtDone);

  // ---- figures -----------------------------------------------------------------------------------------------
  const calls = atDone.byKind;
  const limited = atDone.rateLimitedByKind;
  // Calls that used the platform's budget: the emulators answer 401 (auth) before counting, and a 429 is not
  // counted either (RateWindow.take), so both are left out of the floor (and reported).
  const accepted = (k) =>
    Object.entries(atDone.byRoute[k] ?? {})
      .filter(([route]) => !/ → (401|429)$/.test(route))
      .reduce((a, [, n]) => a + n, 0);
  const floors = {
    'attio.read': accepted('attio.read') / limits.attioReadsPerSecond,
    'attio.write': accepted('attio.write') / limits.attioWritesPerSecond,
    'zoho.billing': accepted('zoho.billing') / (limits.zohoRequestsPerMinute / 60),
  };
  const [bindingPlatform, floorSeconds] = Object.entries(floors).sort((a, b) => b[1] - a[1])[0];
  const wallPaid = progress.paidAtSeconds;
  const wallDone = progress.notedAtSeconds;
  const routes = {};
  for (const [kind, byRoute] of Object.entries(atDone.byRoute))
    for (const [route, n] of Object.entries(byRoute)) routes[`${kind} ${route}`] = n;
  const extraCalls = {};
  for (const [route, n] of Object.entries(routes)) {
    const extra = n - (DESIGNED[route] ?? 0) * N;
    if (extra !== 0) extraCalls[route] = extra;
  }
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const platformCalls = totalCalls - (calls['zoho.oauth'] ?? 0);
  // Once per API process, not per invoice: the attribute-id listing CustomerRecordsService caches, and the
  // Zoho token refresh with the 401s that find the token expired (the emulator's clock jumped a month while the
  // API's token, fetched before the jump, still looked valid by the API's clock).
  const oneOff = {};
  for (const [route, n] of Object.entries(routes)) {
    if (/ GET \/v2\/objects\/:object\/attributes → 200$/.test(route) || / → 401$/.test(route))
      oneOff[route] = n;
  }
  const oneOffCalls = Object.values(oneOff).reduce((a, b) => a + b, 0);
  const r2 = (x) => (x === undefined ? undefined : Number(x.toFixed(2)));
  const summary = {
    ...machineFacts(loadBefore),
    ...codeFacts(root),
    settings: {
      invoices: N,
      plan: args.plan,
      emulatorLimits: limits,
      apiClientLimits: `product defaults: Attio 100 reads/s + 25 writes/s (limiter windows +50 ms, writes paced at send time), ZOHO_REQUESTS_PER_MINUTE=${limits.zohoRequestsPerMinute}`,
      apiQueue: 'product defaults (embedded SQLite store, 4 workers)',
      setup: `through the product with every limit high: ${N} Attio triggers, ${N} checkouts (setup-concurrency ${args['setup-concurrency']}), first invoices paid; ${setupSeconds} s`,
      timedPhaseStart: `${Number(args['window-offset'])} s into a fresh minute window of the Zoho emulator (fixed windows aligned to the wall clock), ≥ 60 s after the API restart`,
    },
    raised: start.raised,
    clockAdvanceMs: start.advanceMs,
    wallSeconds: {
      untilEveryInvoicePaid: wallPaid,
      untilEveryAttioNoteWritten: wallDone,
      lastUpstreamCall: progress.lastCallAtSeconds,
    },
    floorSeconds: {
      byPlatform: Object.fromEntries(Object.entries(floors).map(([k, v]) => [k, r2(v)])),
      floor: r2(floorSeconds),
      bindingPlatform,
    },
    ratioWallToFloor: r2(wallPaid / floorSeconds),
    ratioWallToFloorUntilAttioDone: r2(wallDone / floorSeconds),
    upstreamCalls: {
      byKind: calls,
      rateLimitedByKind: limited,
      perInvoice: r2(platformCalls / N),
      perInvoiceWithoutOneOffs: r2((platformCalls - oneOffCalls) / N),
      oneOffCalls: {
        ...oneOff,
        ...(calls['zoho.oauth'] ? { 'zoho.oauth POST /oauth/v2/token': calls['zoho.oauth'] } : {}),
      },
      perInvoiceByKind: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, r2(v / N)])),
      byRoute: routes,
      beyondDesignedBudget: extraCalls,
      afterAllPaidAndNoted: Object.fromEntries(
        Object.entries(finalCounts.byKind)
          .map(([k, v]) => [k, v - (calls[k] ?? 0)])
          .filter(([, v]) => v !== 0),
      ),
      perSecond: atDone.perSecond,
    },
    events: {
      receivedDuringBurst: burstEvents.length,
      byTypeAndState: byTypeState,
      nonTerminalWhenAllPaid: openAtPaid,
      nonTerminalAfterSettle: open,
      secondsToDrainAfterLastProgressLine: drainedSeconds,
      failedAttempts: failedAttempts.length,
      failedAttemptsCausedBy429: rateLimitFailures.length,
      failedAttemptSamples: failedAttempts.slice(0, 10),
    },
    verification,
    apiUpstreamMetrics: apiMetrics,
    stealPercent: steal,
    cpuSecondsDuringTimedPhase: cpuSeconds,
    progress: progressLog.map((p) => ({
      cpuPercent: p.cpuPercent,
      t: p.elapsedSeconds,
      paid: p.paid,
      notes: p.notes,
      calls: p.calls,
      rateLimited: p.rateLimited,
    })),
    checks: {
      allPaid: verification.unpaidInvoices === 0 && wallPaid !== undefined,
      ratioAtMost1_2: wallPaid !== undefined && wallPaid / floorSeconds <= TARGETS.ratioMax,
      // Per invoice; the once-per-process calls above are listed, not spread over the invoices.
      callsPerInvoiceAtMost5: (platformCalls - oneOffCalls) / N <= TARGETS.callsPerInvoiceMax,
      no429JobFailures: rateLimitFailures.length === 0,
      noDuplicateCharges: verification.duplicateChargedInvoices === 0,
      noEventsLeftOpen: open.events === 0,
    },
  };
  if (args.out) writeFileSync(resolve(args.out), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = Object.values(summary.checks).every(Boolean) ? 0 : 1;
} finally {
  await api.stop();
  await emu.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
