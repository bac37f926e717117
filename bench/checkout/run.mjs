#!/usr/bin/env node
// Checkout page budgets. (1) Size: gzip of the initial JavaScript (entry + modulepreloads of index.html)
// ≤ 80 KB, with the Braintree SDK in chunks of its own that index.html does not reference. (2) Time: from
// page.goto to the card number input visible and enabled ≤ 1 s (median), headless Chromium against the
// built app served by `vite preview` and a stub API answering a sandbox session; compared in the same run
// with a static HTML page holding the same inputs (no React), served the same way, and that page plus
// the same session request.
// Usage: node bench/checkout/run.mjs [--runs 10]. Output: tmp/bench-checkout/results.json and a 375 px
// screenshot. It leaves dist/apps/checkout built against the stub API: rebuild before serving it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { machineFacts, median } from '../support/stats.mjs';

const root = resolve(import.meta.dirname, '../..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const tmp = join(root, 'tmp/bench-checkout');
const dist = join(root, 'dist/apps/checkout');
const vite = join(root, 'node_modules/.bin/vite');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUDGET = { initialJsGzipKbMax: 80, cardFieldsReadyMsMax: 1000 };
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJiZW5jaCJ9.c2lnbmF0dXJl';
mkdirSync(tmp, { recursive: true });
const loadBefore = loadavg()[0];
const log = (msg) => console.error(msg);

const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

// --- stub API: the session view of a sandbox checkout, CORS limited to the two preview origins ---
const [apiPort, appPort, basePort] = [await freePort(), await freePort(), await freePort()];
const apiUrl = `http://127.0.0.1:${apiPort}`;
const origins = new Set([`http://localhost:${appPort}`, `http://localhost:${basePort}`]);
const session = {
  mode: 'subscribe',
  state: 'open',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  plan: { code: 'pro', name: 'Pro', price: 49, currency: 'USD', interval: 1, intervalUnit: 'months' },
  cardFields: 'sandbox',
  sandbox: { tokenizeUrl: `${apiUrl}/__sandbox/tokenize` },
  threeDSecure: { required: false },
  expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
};
const api = createHttpServer((req, res) => {
  const origin = req.headers.origin;
  if (origin && origins.has(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-headers', 'content-type, accept');
    res.setHeader('vary', 'origin');
  }
  if (req.method === 'OPTIONS') return res.writeHead(204).end();
  if (req.method === 'GET' && /^\/checkout\/sessions\/[^/]+$/.test(req.url ?? '')) {
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session));
  }
  res
    .writeHead(404, { 'content-type': 'application/json' })
    .end('{"error":{"code":"not_found","message":"no"}}');
});
await new Promise((r) => api.listen(apiPort, '127.0.0.1', r));

// --- build, then sizes from index.html and the build manifest ---
log(`building the checkout (VITE_API_URL=${apiUrl})…`);
execFileSync(
  vite,
  ['build', '--config', 'apps/checkout/vite.config.mts', '--manifest', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VITE_API_URL: apiUrl },
  },
);
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gzipKb = (file) => gzipSync(readFileSync(join(dist, file))).length / 1024;
const round = (n, d = 1) => Number(n.toFixed(d));
const initialFiles = [
  ...[...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]),
  ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]),
];
const chunks = Object.values(manifest);
const braintreeFiles = chunks
  .filter((c) => c.src?.includes('node_modules/braintree-web/'))
  .map((c) => c.file);
const adapterFiles = chunks
  .filter((c) => c.src?.includes('card-fields/') && c.src.endsWith('.adapter.ts'))
  .map((c) => c.file);
// The entry's static imports, transitively: what loads before any dynamic import runs.
const byKey = (key) => manifest[key];
const staticClosure = new Set();
const walk = (key) => {
  const c = byKey(key);
  if (!c || staticClosure.has(c.file)) return;
  staticClosure.add(c.file);
  (c.imports ?? []).forEach(walk);
};
Object.entries(manifest)
  .filter(([, c]) => c.isEntry)
  .forEach(([k]) => walk(k));
const sizes = {
  initialJs: initialFiles.map((f) => ({ file: f, gzipKb: round(gzipKb(f)) })),
  initialJsGzipKb: round(initialFiles.reduce((s, f) => s + gzipKb(f), 0)),
  css: chunks.flatMap((c) => c.css ?? []).map((f) => ({ file: f, gzipKb: round(gzipKb(f), 2) })),
  braintreeChunks: braintreeFiles.map((f) => ({ file: f, gzipKb: round(gzipKb(f)) })),
  braintreeGzipKb: round(braintreeFiles.reduce((s, f) => s + gzipKb(f), 0)),
  adapterChunks: adapterFiles.map((f) => ({ file: f, gzipKb: round(gzipKb(f), 2) })),
  braintreeReferencedByIndexHtml: braintreeFiles.some((f) => html.includes(f)),
  braintreeInEntryStaticImports: braintreeFiles.some((f) => staticClosure.has(f)),
  paypalLoaderBundled: chunks.some((c) => c.src?.includes('@paypal/')),
};
log(
  `initial JS ${sizes.initialJsGzipKb} KB gzip (${initialFiles.join(', ')}); Braintree ${sizes.braintreeGzipKb} KB gzip in ${braintreeFiles.length} on-demand chunks`,
);

// --- baselines: the same inputs in static HTML; and the same plus the session request ---
const baseDir = join(tmp, 'baseline');
mkdirSync(baseDir, { recursive: true });
const inputs = `<label for="billing-name">Name on card</label><input id="billing-name" value="Ada Lovelace">
<label for="billing-email">Email</label><input id="billing-email" type="email" value="ada@example.com">
<label for="card-number">Card number</label><input id="card-number" autocomplete="cc-number" DISABLED>
<label for="card-expiry">Expiry date (MM/YY)</label><input id="card-expiry" autocomplete="cc-exp" DISABLED>
<label for="card-cvv">Security code (CVV)</label><input id="card-cvv" autocomplete="cc-csc" DISABLED>
<button>Subscribe</button>`;
const page = (body, script = '') =>
  `<!doctype html><html lang="en"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1.0"><title>Checkout</title></head><body><main><h1>Subscribe</h1>${body}</main>${script}</body></html>`;
writeFileSync(join(baseDir, 'index.html'), page(inputs.replaceAll(' DISABLED', '')));
writeFileSync(
  join(baseDir, 'with-api.html'),
  page(
    inputs.replaceAll('DISABLED', 'disabled'),
    `<script>fetch(${JSON.stringify(`${apiUrl}/checkout/sessions/${TOKEN}`)},{headers:{accept:'application/json'}}).then(r=>r.json()).then(()=>{for(const i of document.querySelectorAll('input:disabled'))i.disabled=false})</script>`,
  ),
);

// --- serve both with vite preview ---
const previews = [];
function preview(port, extra = []) {
  const child = spawn(
    vite,
    [
      'preview',
      '--config',
      'apps/checkout/vite.config.mts',
      '--port',
      String(port),
      '--strictPort',
      ...extra,
    ],
    { cwd: root, stdio: 'ignore', detached: true },
  );
  previews.push(child);
}
async function waitForHttp(url) {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer`);
}
const stopAll = () => {
  for (const child of previews) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  api.close();
};
process.on('exit', stopAll);

let report;
let browser;
try {
  preview(appPort);
  preview(basePort, ['--outDir', baseDir]);
  await Promise.all([
    waitForHttp(`http://localhost:${appPort}/`),
    waitForHttp(`http://localhost:${basePort}/`),
  ]);

  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  // Same launch as apps/api-e2e/src/support/browser.ts.
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const targets = {
    checkout: `http://localhost:${appPort}/c/${TOKEN}`,
    baseline: `http://localhost:${basePort}/`,
    baselineWithApi: `http://localhost:${basePort}/with-api.html`,
  };

  // A fresh context per run: empty HTTP cache, as for a customer opening the link from an email.
  async function once(url, screenshot) {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const p = await context.newPage();
    const scripts = [];
    p.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    const started = performance.now();
    await p.goto(url, { waitUntil: 'commit' });
    await p.locator('#card-number:enabled').waitFor({ state: 'visible', timeout: 10_000 });
    const ms = performance.now() - started;
    // Where the time went, from the page's own clock (ms since navigation start).
    const phases = await p.evaluate(() => {
      const at = (n) => Math.round(n);
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource').map((r) => ({
        name: new URL(r.name).pathname.replace(/-[\w-]{8}\.js$/, '.js'),
        start: at(r.startTime),
        end: at(r.responseEnd),
      }));
      const mark = (name) => at(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
      return {
        sessionHandled: mark('checkout:session'),
        cardFieldsMounted: mark('checkout:card-fields-mounted'),
        htmlEnd: at(nav.responseEnd),
        domContentLoaded: at(nav.domContentLoadedEventEnd),
        resources: res,
        readySeenByHarness: at(performance.now()),
      };
    });
    if (screenshot) await p.screenshot({ path: join(tmp, screenshot), fullPage: true });
    await context.close();
    return { ms, scripts, phases };
  }

  log('warm-up (discarded)…');
  for (const url of Object.values(targets)) await once(url);
  const results = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  let scriptsLoaded = [];
  const phases = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved so drift in machine load hits all alike.
    for (const [name, url] of Object.entries(targets)) {
      const r = await once(url, i === 0 && name === 'checkout' ? 'checkout-375px.png' : undefined);
      results[name].push(r.ms);
      if (name === 'checkout') {
        scriptsLoaded = r.scripts;
        phases.push(r.phases);
      }
    }
    log(
      `run ${i + 1}/${runs}: ${Object.entries(results)
        .map(([k, v]) => `${k} ${v[i].toFixed(0)} ms`)
        .join('; ')}`,
    );
  }
  const timing = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [
      k,
      { medianMs: round(median(v), 0), runsMs: v.map((x) => round(x, 0)) },
    ]),
  );
  timing.checkoutOverBaselineMs = round(timing.checkout.medianMs - timing.baseline.medianMs, 0);
  timing.checkoutOverBaselineWithApiMs = round(timing.checkout.medianMs - timing.baselineWithApi.medianMs, 0);
  timing.scriptsLoadedByCheckout = scriptsLoaded;
  timing.checkoutPhasesOfMedianRun = phases[results.checkout.indexOf(median(results.checkout))];
  timing.braintreeLoadedInSandboxMode = scriptsLoaded.some((s) => braintreeFiles.some((f) => s.endsWith(f)));

  report = {
    ...machineFacts(loadBefore),
    runs,
    viewport: '375x812',
    sizes,
    timing,
    budget: BUDGET,
  };
  report.pass =
    sizes.initialJsGzipKb <= BUDGET.initialJsGzipKbMax &&
    !sizes.braintreeReferencedByIndexHtml &&
    !sizes.braintreeInEntryStaticImports &&
    !sizes.paypalLoaderBundled &&
    !timing.braintreeLoadedInSandboxMode &&
    timing.checkout.medianMs <= BUDGET.cardFieldsReadyMsMax;
} finally {
  await browser?.close();
  stopAll();
}
writeFileSync(join(tmp, 'results.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
