// Driver side of stack.ts (shared by bench/checkout-completion and bench/month-start-burst): starts the
// emulators child and the API child from a bench's bundled targets, and talks to them over IPC.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startChildTarget, stopChildTarget } from '../support/child-target.mjs';

export const ADMIN_TOKEN = 'bench-admin-token';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Wraps a started child: `call(cmd, args)` sends a command and resolves with its answer. */
function rpc(target) {
  const pending = new Map();
  target.child.on('message', (msg) => {
    if (!msg || typeof msg !== 'object' || !('id' in msg)) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if ('error' in msg) p.reject(new Error(`${p.cmd} failed in the child: ${msg.error}`));
    else p.resolve(msg.result);
  });
  target.child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`child exited (code ${code}) during ${p.cmd}`));
    pending.clear();
  });
  return {
    ...target,
    call(cmd, args = {}) {
      const id = randomUUID();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, cmd });
        target.child.send({ id, cmd, args });
      });
    },
    stop: (graceMs = 15_000) => stopChildTarget(target, graceMs),
  };
}

/**
 * Starts `node <bundle> emulators <apiUrl>`; the child answers `{urls}` once listening.
 * The API's port is chosen first so the emulators' webhooks can point at it.
 */
export async function startEmulatorsChild(bundle, { cwd, apiPort }) {
  const target = await startChildTarget(bundle, ['emulators', `http://127.0.0.1:${apiPort}`], {
    cwd,
    env: process.env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return rpc(target);
}

/** Starts `node <bundle> api <settings json>` (stack.ts ApiSettings); its JSON log lines are discarded. */
export async function startApiChild(bundle, { cwd, settings, execArgv = [] }) {
  const target = await startChildTarget(bundle, ['api', JSON.stringify(settings)], {
    cwd,
    env: process.env,
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return rpc(target);
}

/** The Braintree emulator's sandbox tokenizer (what the checkout page's sandbox card fields call). */
export async function tokenizeCard(braintreeUrl, number = '4111111111111111') {
  const res = await fetch(`${braintreeUrl}/__sandbox/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, expirationDate: '12/2030', cvv: '123' }),
  });
  if (!res.ok) throw new Error(`tokenize: ${res.status} ${await res.text()}`);
  return (await res.json()).nonce;
}

/** Runs `fn(item, index)` over items with at most `concurrency` at once; results in item order. */
export async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Nearest-rank percentile (always a measured sample). */
export function percentile(xs, p) {
  if (!xs.length) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencySummary(ms) {
  const r = (x) => (x === undefined ? undefined : Number(x.toFixed(1)));
  return {
    n: ms.length,
    p50: r(percentile(ms, 50)),
    p95: r(percentile(ms, 95)),
    p99: r(percentile(ms, 99)),
    max: r(Math.max(...ms)),
    mean: r(ms.reduce((a, b) => a + b, 0) / ms.length),
  };
}

/** GET with the admin token (the API's admin API). */
export async function adminGet(apiUrl, path) {
  const res = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * The API's Prometheus counters of interest, as {name → {labels → value}}: upstream attempts by operation and
 * outcome, retries, client-side limiter waits (count and seconds).
 */
export async function scrapeMetrics(apiUrl) {
  const res = await fetch(`${apiUrl}/metrics`);
  if (!res.ok) return undefined;
  const text = await res.text();
  const wanted = [
    'upstream_requests_total',
    'upstream_retries_total',
    'upstream_rate_limiter_waits_total',
    'upstream_rate_limiter_wait_seconds_sum',
    'upstream_rate_limiter_wait_seconds_count',
    'upstream_request_duration_seconds_sum',
    'upstream_request_duration_seconds_count',
  ];
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
    if (!m || !wanted.includes(m[1])) continue;
    (out[m[1]] ??= {})[m[2] ?? '{}'] = Number(m[3]);
  }
  return out;
}

/** after − before for scrapeMetrics results (zero entries dropped). */
export function diffMetrics(before = {}, after = {}) {
  const out = {};
  for (const [name, series] of Object.entries(after)) {
    for (const [labels, value] of Object.entries(series)) {
      const d = value - (before[name]?.[labels] ?? 0);
      if (Math.abs(d) > 1e-9) (out[name] ??= {})[labels] = Number(d.toFixed(4));
    }
  }
  return out;
}

/** CPU time (ms, user + system) a process has used so far, from /proc/<pid>/stat (10 ms ticks); NaN if unknown. */
export function procCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100
  } catch {
    return NaN;
  }
}

/**
 * Which code was measured: HEAD and how many files differ from it (the tree is shared with engineers editing
 * other files while a bench runs). Read-only git commands.
 */
export function codeFacts(cwd) {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const changed = git('status', '--porcelain');
  return {
    gitHead: git('rev-parse', '--short', 'HEAD'),
    filesChangedSinceHead: changed === undefined ? undefined : changed.split('\n').filter(Boolean).length,
  };
}
