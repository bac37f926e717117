#!/usr/bin/env node
// Checkout completion bench: latency of `POST /checkout/sessions/:token/complete` (Braintree customer + card
// vaulted with verification, Zoho customer, Zoho subscription, Attio writes + note) against the emulators, and
// in the same run a plain baseline doing the same four steps with the official `braintree` SDK and `fetch`.
//
//   node bench/checkout-completion/run.mjs [--completions 100] [--concurrency 4] [--warmup 10] [--block 10]
//        [--client-limits high|default] [--zoho-customers 0] [--profile] [--out file.json]
//
// Processes: the emulators (one child), the real API (another child, stack.ts), this driver (load + baseline).
// Set-up, not timed: a checkout session per completion made the real way (a company record in Attio, the
// trigger set in Attio's UI, the API writes the link back), a card nonce per completion from the Braintree
// emulator's tokenizer, a Zoho OAuth token for the baseline. Then every emulator's webhooks are turned off, so
// what the emulators answer during the timed phases is exactly the completions' calls (nothing triggered in
// the background: the subscription's first invoice is not paid here).
// Two phases, each with --completions completions per side: one at a time, then --concurrency at once. Within a
// phase ours and the baseline alternate in blocks of --block completions (a slow stretch of this shared VM hits
// both). Only the complete call (ours) / the four steps (baseline) are timed.
// Emulator limits are set far above the load (this measures our cost, not the platforms' limits); with
// --client-limits high (default) the API's own Attio limiter/pacer is lifted too and its Zoho budget is
// 1,000,000/min. --zoho-customers K gives the Zoho organisation K other customers before the run (our completion
// scans the whole customer list for the buyer's e-mail, 200 a page; the baseline does not). Each completion adds
// one customer per side, so the count grows during the run; the JSON gives it at the start and end of each phase.
// --profile writes a V8 CPU profile of the API process covering each timed phase (ours and baseline blocks) to
// tmp/bench-checkout-completion/api-<phase>.cpuprofile; summarise it with cpu-profile-summary.mjs. JSON summary on stdout, progress on stderr.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import braintree from 'braintree';
import { bundleNodeApp } from '../../tools/build-node-app.mjs';
import { cpuTimes, machineFacts, stealPercent } from '../support/stats.mjs';
import {
  codeFacts,
  freePort,
  latencySummary,
  pool,
  procCpuMs,
  scrapeMetrics,
  diffMetrics,
  startApiChild,
  startEmulatorsChild,
  tokenizeCard,
} from './stack.mjs';

const root = resolve(import.meta.dirname, '../..');
const log = (...parts) => console.error('[checkout-completion]', ...parts);

const { values: args } = parseArgs({
  options: {
    completions: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '10' },
    block: { type: 'string', default: '10' },
    'client-limits': { type: 'string', default: 'high' },
    'zoho-customers': { type: 'string', default: '0' },
    profile: { type: 'boolean', default: false },
    // The API logs at info as in production; another level shows what logging costs.
    'api-log-level': { type: 'string', default: 'info' },
    plan: { type: 'string', default: 'pro-monthly' },
    out: { type: 'string' },
  },
});
const N = Number(args.completions);
const concurrency = Number(args.concurrency);
const warmup = Number(args.warmup);
const blockSize = Number(args.block);
const clientLimits = args['client-limits'] === 'default' ? 'default' : 'high';
const plan = args.plan;

// Sandbox credentials (docs/sandbox.md; SANDBOX_DEFAULTS in libs/platform).
const ZOHO = {
  clientId: 'sandbox-zoho-client',
  clientSecret: 'sandbox-zoho-secret',
  refreshToken: 'sandbox-zoho-refresh',
  orgId: '10000001',
};
const ATTIO_TOKEN = 'sandbox-attio-token';
const BRAINTREE = {
  merchantId: 'sandbox_merchant',
  publicKey: 'sandbox_public_key',
  privateKey: 'sandbox_private_key',
};

const loadBefore = loadavg()[0];
const bundleFile = await bundleNodeApp({
  entry: 'bench/checkout-completion/targets.ts',
  outfile: 'tmp/bench-checkout-completion/targets.js',
  sourcemap: false,
});
log(`bundled ${bundleFile}`);

const apiPort = await freePort();
const emu = await startEmulatorsChild(bundleFile, { cwd: root, apiPort });
const { urls } = emu;
const dataDir = mkdtempSync(join(tmpdir(), 'aia-bench-checkout-'));
// If the API cannot start (a broken build, bad config), the emulators child must not outlive this run.
let api;
try {
  api = await startApiChild(bundleFile, {
    cwd: root,
    settings: {
      port: apiPort,
      dataDir,
      urls,
      clientLimits,
      zohoRequestsPerMinute: clientLimits === 'high' ? 1_000_000 : 100,
      logLevel: args['api-log-level'],
    },
  });
} catch (err) {
  await emu.stop();
  rmSync(dataDir, { recursive: true, force: true });
  throw err;
}
log(`emulators ${JSON.stringify(urls)}, API ${api.url} (client limits: ${clientLimits})`);

try {
  // ---- set-up (not timed) ----------------------------------------------------------------------------------
  const perPhase = N;
  if (Number(args['zoho-customers']) > 0) {
    log(
      `Zoho organisation: ${await emu.call('seedZohoCustomers', { n: Number(args['zoho-customers']) })} customers`,
    );
  }
  const oursNeeded = warmup + 2 * perPhase;
  let t = performance.now();
  const sessions = await emu.call('sessions', { n: oursNeeded, plan, batch: 25 });
  log(
    `${sessions.length} checkout sessions made through the Attio trigger in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  await emu.call('webhooks', { on: false });
  const baselineRecords = await emu.call('records', { n: oursNeeded });
  t = performance.now();
  const nonces = await pool(Array.from({ length: 2 * oursNeeded }), 8, () => tokenizeCard(urls.braintree));
  log(`${nonces.length} card nonces in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Baseline clients: the official SDK pointed at the emulator (sdk-environment.ts), fetch for Zoho and Attio.
  const bt = new URL(urls.braintree);
  const gateway = new braintree.BraintreeGateway({
    environment: new braintree.Environment(
      bt.hostname,
      bt.port,
      `${bt.protocol}//${bt.host}`,
      false,
      bt.hostname,
      bt.port,
    ),
    ...BRAINTREE,
  });
  const tokenRes = await fetch(
    `${urls.zoho}/oauth/v2/token?${new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: ZOHO.clientId,
      client_secret: ZOHO.clientSecret,
      refresh_token: ZOHO.refreshToken,
    })}`,
    { method: 'POST' },
  );
  const zohoToken = (await tokenRes.json()).access_token;
  if (!zohoToken) throw new Error('no Zoho token for the baseline');

  const zohoPost = async (path, json) => {
    const res = await fetch(`${urls.zoho}/billing/v1${path}`, {
      method: 'POST',
      headers: {
        authorization: `Zoho-oauthtoken ${zohoToken}`,
        'x-com-zoho-subscriptions-organizationid': ZOHO.orgId,
        'content-type': 'application/json',
      },
      body: JSON.stringify(json),
    });
    const body = await res.json();
    if (!res.ok || body.code !== 0) throw new Error(`Zoho ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const attio = async (method, path, json) => {
    const res = await fetch(`${urls.attio}/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${ATTIO_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`Attio ${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  let customerNo = 0;
  const billingFor = (company) => ({
    name: 'Ada Lovelace',
    email: `buyer${++customerNo}@example.com`,
    company,
  });

  /** Ours: one complete call (body built before the clock starts); a distinct client IP per checkout. */
  const ours = async ({ session, nonce }) => {
    const body = JSON.stringify({ nonce, billing: billingFor(session.name) });
    const headers = {
      'content-type': 'application/json',
      // One customer per checkout: the per-IP limit of the endpoint (10/min) is per customer, not per bench.
      'x-forwarded-for': `10.${(customerNo >> 16) & 255}.${(customerNo >> 8) & 255}.${customerNo & 255}`,
    };
    const started = performance.now();
    const res = await fetch(`${api.url}/checkout/sessions/${session.token}/complete`, {
      method: 'POST',
      headers,
      body,
    });
    const text = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) log(`ours: ${res.status} ${text.slice(0, 300)}`);
    return { ms, ok: res.status === 200, status: res.status, recordId: session.recordId };
  };

  /** Baseline: the same four steps, directly; no look-ups, no retries, no Nest. */
  const baseline = async ({ record, nonce }) => {
    const billing = billingFor(record.name);
    const [firstName, ...rest] = billing.name.split(' ');
    const started = performance.now();
    try {
      // 1. Braintree customer with the card vaulted after a verification (official SDK).
      const created = await gateway.customer.create({
        email: billing.email,
        firstName,
        lastName: rest.join(' '),
        company: billing.company,
        paymentMethodNonce: nonce,
        creditCard: { options: { verifyCard: true } },
      });
      if (!created.success) throw new Error(`Braintree: ${created.message}`);
      const customer = created.customer;
      const card = customer.creditCards?.[0] ?? customer.paymentMethods?.[0];
      // 2. Zoho customer.
      const zc = (
        await zohoPost('/customers', {
          display_name: billing.company,
          company_name: billing.company,
          email: billing.email,
          currency_code: 'USD',
          custom_fields: [{ label: 'attio_record_id', value: record.recordId }],
        })
      ).customer;
      // 3. Zoho subscription (offline: we would charge through Braintree).
      const zs = (
        await zohoPost('/subscriptions', {
          customer_id: zc.customer_id,
          plan: { plan_code: plan },
          auto_collect: false,
          reference_id: `attio:${record.recordId}`,
        })
      ).subscription;
      // 4. Attio: the ids and the status on the record, and a note.
      await attio('PATCH', `/objects/companies/records/${record.recordId}`, {
        data: {
          values: {
            braintree_customer_id: customer.id,
            zoho_customer_id: zc.customer_id,
            zoho_subscription_id: zs.subscription_id,
            subscription_status: 'active',
            checkout_link: null,
          },
        },
      });
      await attio('POST', '/notes', {
        data: {
          parent_object: 'companies',
          parent_record_id: record.recordId,
          title: 'Subscription started',
          format: 'plaintext',
          content: `Checkout completed for plan ${plan}.\nCard: ${card?.cardType} ending ${card?.last4}.\nBraintree customer ${customer.id}; Zoho customer ${zc.customer_id}; Zoho subscription ${zs.subscription_id} (${zs.status}).`,
        },
      });
      return { ms: performance.now() - started, ok: true, recordId: record.recordId };
    } catch (err) {
      log(`baseline: ${err.message}`);
      return { ms: performance.now() - started, ok: false, recordId: record.recordId };
    }
  };

  let nextSession = 0;
  let nextRecord = 0;
  let nextNonce = 0;
  const oursItems = (n) =>
    Array.from({ length: n }, () => ({ session: sessions[nextSession++], nonce: nonces[nextNonce++] }));
  const baselineItems = (n) =>
    Array.from({ length: n }, () => ({ record: baselineRecords[nextRecord++], nonce: nonces[nextNonce++] }));

  // ---- warm-up (not counted) -------------------------------------------------------------------------------
  log(`warm-up: ${warmup} completions each, one at a time`);
  const warm = [
    ...(await pool(oursItems(warmup), 1, ours)),
    ...(await pool(baselineItems(warmup), 1, baseline)),
  ];
  if (!warm.every((r) => r.ok)) throw new Error('a warm-up completion failed');

  // ---- timed phases ----------------------------------------------------------------------------------------
  /** CPU time (ms) of each process so far: where a completion's work is done. */
  const cpuNow = () => {
    const self = process.cpuUsage();
    return {
      api: procCpuMs(api.child.pid),
      emulators: procCpuMs(emu.child.pid),
      driver: (self.user + self.system) / 1000,
    };
  };
  const addCounts = (acc, c) => {
    for (const [k, v] of Object.entries(c.byKind)) acc.byKind[k] = (acc.byKind[k] ?? 0) + v;
    for (const [k, v] of Object.entries(c.rateLimitedByKind)) acc.limited[k] = (acc.limited[k] ?? 0) + v;
    for (const [kind, routes] of Object.entries(c.byRoute))
      for (const [route, v] of Object.entries(routes))
        acc.byRoute[`${kind} ${route}`] = (acc.byRoute[`${kind} ${route}`] ?? 0) + v;
  };
  /**
   * Where a completion's time goes, per completion (means), from the API's own upstream metrics: time inside
   * upstream calls that only look things up (the idempotency look-ups), time inside the calls that do the job,
   * and the rest (Nest pipeline, token check, lock, logging, waiting for the event loop).
   */
  const LOOKUPS = new Set([
    'records.get',
    'plans.get',
    'customer.find',
    'customers.findByReference',
    'customers.get',
    'subscriptions.listByCustomer',
    'subscriptions.get',
  ]);
  const breakdown = (metrics, side) => {
    const n = side.ms.length + side.failures;
    const sums = metrics.upstream_request_duration_seconds_sum ?? {};
    let lookups = 0;
    let work = 0;
    const byOperation = {};
    for (const [labels, seconds] of Object.entries(sums)) {
      const op = /operation="([^"]+)"/.exec(labels)?.[1] ?? labels;
      byOperation[op] = Number(((byOperation[op] ?? 0) + (seconds * 1000) / n).toFixed(2));
      if (LOOKUPS.has(op)) lookups += seconds * 1000;
      else work += seconds * 1000;
    }
    const mean = side.ms.reduce((a, b) => a + b, 0) / side.ms.length;
    return {
      meanLatency: Number(mean.toFixed(1)),
      inLookupCalls: Number((lookups / n).toFixed(1)),
      inWorkCalls: Number((work / n).toFixed(1)),
      outsideUpstreamCalls: Number((mean - (lookups + work) / n).toFixed(1)),
      byOperation,
    };
  };
  const phases = {};
  const oursDone = [];
  const baselineDone = [];
  for (const [name, conc] of [
    ['sequential', 1],
    [`concurrency${concurrency}`, concurrency],
  ]) {
    const side = () => ({
      ms: [],
      failures: 0,
      byKind: {},
      limited: {},
      byRoute: {},
      wallMs: 0,
      cpuMs: { api: 0, emulators: 0, driver: 0 },
    });
    const result = { ours: side(), baseline: side() };
    const zohoCustomersAtStart = await emu.call('zohoCustomers');
    const cpuBefore = cpuTimes();
    const apiMetricsBefore = await scrapeMetrics(api.url);
    if (args.profile) await api.call('profile.start');
    const block = conc === 1 ? blockSize : blockSize * conc;
    for (let done = 0; done < perPhase;) {
      const n = Math.min(block, perPhase - done);
      for (const [who, items, fn, sink] of [
        ['ours', oursItems(n), ours, oursDone],
        ['baseline', baselineItems(n), baseline, baselineDone],
      ]) {
        await emu.call('counts.reset');
        const cpuStart = cpuNow();
        const started = performance.now();
        const runs = await pool(items, conc, fn);
        result[who].wallMs += performance.now() - started;
        const cpuEnd = cpuNow();
        for (const k of Object.keys(cpuStart)) result[who].cpuMs[k] += cpuEnd[k] - cpuStart[k];
        addCounts(result[who], await emu.call('counts.get'));
        for (const r of runs) {
          if (r.ok) {
            result[who].ms.push(r.ms);
            sink.push(r.recordId);
          } else result[who].failures++;
        }
      }
      done += n;
      log(
        `${name}: ${done}/${perPhase} — ours p50 ${latencySummary(result.ours.ms).p50} ms, baseline p50 ${latencySummary(result.baseline.ms).p50} ms`,
      );
    }
    if (args.profile) {
      const file = join(root, `tmp/bench-checkout-completion/api-${name}.cpuprofile`);
      log(`CPU profile of the API: ${await api.call('profile.stop', { file })}`);
    }
    const apiMetrics = diffMetrics(apiMetricsBefore, await scrapeMetrics(api.url));
    const summarise = (s) => {
      const n = s.ms.length + s.failures;
      const total = Object.values(s.byKind).reduce((a, b) => a + b, 0);
      return {
        latencyMs: latencySummary(s.ms),
        completions: n,
        failures: s.failures,
        throughputPerSec: Number((n / (s.wallMs / 1000)).toFixed(1)),
        // CPU per completion in each process (10 ms ticks for the children: read as ±10 ms / block).
        cpuMsPerCompletion: Object.fromEntries(
          Object.entries(s.cpuMs).map(([k, v]) => [k, Number((v / n).toFixed(2))]),
        ),
        upstreamCallsPerCompletion: Number((total / n).toFixed(2)),
        upstreamCallsByKindPerCompletion: Object.fromEntries(
          Object.entries(s.byKind).map(([k, v]) => [k, Number((v / n).toFixed(2))]),
        ),
        upstreamCalls: s.byKind,
        rateLimited: s.limited,
        callsByRoute: s.byRoute,
      };
    };
    phases[name] = {
      concurrency: conc,
      oursTimeBreakdownMsPerCompletion: breakdown(apiMetrics, result.ours),
      zohoCustomersAtStart,
      zohoCustomersAtEnd: await emu.call('zohoCustomers'),
      stealPercent: stealPercent(cpuBefore, cpuTimes()),
      ours: summarise(result.ours),
      baseline: summarise(result.baseline),
      ratioOfP50: Number(
        (latencySummary(result.ours.ms).p50 / latencySummary(result.baseline.ms).p50).toFixed(2),
      ),
      apiUpstreamMetrics: apiMetrics,
    };
    log(
      `${name}: ours ${JSON.stringify(phases[name].ours.latencyMs)} (${phases[name].ours.upstreamCallsPerCompletion} calls each), baseline ${JSON.stringify(phases[name].baseline.latencyMs)} (${phases[name].baseline.upstreamCallsPerCompletion} calls each), ratio of p50s ${phases[name].ratioOfP50}`,
    );
  }

  const verification = await emu.call('verify', { ours: oursDone, baseline: baselineDone });
  const summary = {
    ...machineFacts(loadBefore),
    ...codeFacts(root),
    settings: {
      completionsPerPhasePerSide: N,
      concurrency,
      warmupPerSide: warmup,
      blockSize,
      plan,
      zohoCustomersSeeded: Number(args['zoho-customers']),
      emulatorLimits:
        'high (Attio 1e9 reads/s and writes/s, Zoho 1e9/min): measures our cost, not the platforms limits',
      apiClientLimits:
        clientLimits === 'high'
          ? 'lifted (Attio limiter and pacer off via AppModuleOverrides.policies; ZOHO_REQUESTS_PER_MINUTE=1000000)'
          : 'product defaults (Attio 100 reads/s + 25 writes/s paced; ZOHO_REQUESTS_PER_MINUTE=100)',
      webhooksDuringTimedPhases: 'off (no background work: only the completions reach the emulators)',
      apiLogging: `${args['api-log-level']}, JSON lines (discarded), NODE_ENV=production`,
    },
    phases,
    verification,
    checks: {
      allOursSucceeded: Object.values(phases).every((p) => p.ours.failures === 0),
      allBaselineSucceeded: Object.values(phases).every((p) => p.baseline.failures === 0),
      everyCompletionLeftOneOfEach: verification.ours.ok === verification.ours.checked,
      baselineLeftOneOfEach: verification.baseline.ok === verification.baseline.checked,
      noRateLimitedCalls: Object.values(phases).every(
        (p) => !Object.keys(p.ours.rateLimited).length && !Object.keys(p.baseline.rateLimited).length,
      ),
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
