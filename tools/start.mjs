#!/usr/bin/env node
// `npm start`: builds what is needed, then runs the sandbox emulators (sandbox mode), the API and the
// checkout page, waits until each answers and prints the URLs. `npm run sandbox` (--sandbox-only) runs
// just the emulators. Ctrl-C stops everything; if one process dies the others are stopped too.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const sandboxOnly = process.argv.includes('--sandbox-only');
const env = { ...loadDotEnv(resolve(root, '.env')), ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };
const mode = env.INTEGRATION_MODE ?? 'sandbox';
const port = Number(env.PORT ?? 3000);
const apiUrl = env.PUBLIC_API_URL ?? `http://localhost:${port}`;
const checkoutUrl = 'http://localhost:4200';
// The emulators listen where the API's configuration points (apps/sandbox/src/sandbox-config.ts does the
// same): a loopback http URL with a port in .env moves them; anything else leaves the sandbox default.
const emulatorUrl = (name, fallback) => {
  const raw = mode === 'sandbox' ? env[name] : undefined;
  if (!raw) return fallback;
  try {
    const u = new URL(raw);
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    return u.protocol === 'http:' && u.port && local ? raw.replace(/\/$/, '') : fallback;
  } catch {
    return fallback;
  }
};
const emulators = {
  attio: emulatorUrl('ATTIO_API_URL', 'http://127.0.0.1:4010/v2'),
  zoho: emulatorUrl('ZOHO_API_URL', 'http://127.0.0.1:4020/billing/v1'),
  braintree: emulatorUrl('BRAINTREE_GATEWAY_URL', 'http://127.0.0.1:4030'),
};
const children = [];
let stopping = false;

function loadDotEnv(path) {
  if (!existsSync(path)) return {};
  const out = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

function log(message) {
  process.stdout.write(`[start] ${message}\n`);
}

function build() {
  const projects = sandboxOnly
    ? ['sandbox']
    : mode === 'sandbox'
      ? ['api', 'sandbox', 'checkout']
      : ['api', 'checkout'];
  log(`building ${projects.join(', ')} (cached when unchanged)…`);
  const started = Date.now();
  const result = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', ...projects, '--output-style=static'],
    {
      cwd: root,
      env: { ...env, VITE_API_URL: apiUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    log('build failed');
    process.exit(1);
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function run(name, command, args, extraEnv = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping the others`);
    stop(code || 1);
  });
  return child;
}

async function waitFor(name, url, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
  stop(1);
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map(({ child }) => new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)))),
  ).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const started = Date.now();
build();
const urls = [];
if (mode === 'sandbox' || sandboxOnly) {
  // Same environment as the API (.env merged with the process environment): the sandbox reads the ports,
  // PUBLIC_API_URL (webhook target; SANDBOX_API_URL overrides), webhook secrets and credentials from it, and
  // prints which values came from the configuration and which are sandbox defaults.
  run('sandbox', process.execPath, ['dist/apps/sandbox/main.js']);
  await waitFor('sandbox', `${emulators.braintree}/__sandbox/clock`);
  urls.push(
    ['Attio emulator', emulators.attio],
    ['Zoho emulator', emulators.zoho],
    ['Braintree emulator', emulators.braintree],
  );
}
if (!sandboxOnly) {
  run('api', process.execPath, ['dist/apps/api/main.js']);
  run('checkout', resolve(root, 'node_modules/.bin/vite'), [
    'preview',
    '--config',
    'apps/checkout/vite.config.mts',
    '--logLevel',
    'warn',
  ]);
  await waitFor('api', `http://127.0.0.1:${port}/health/ready`);
  await waitFor('checkout', checkoutUrl);
  urls.push(
    ['API', apiUrl],
    ['API docs (OpenAPI)', `${apiUrl}/docs`],
    ['Readiness', `${apiUrl}/health/ready`],
    ['Metrics', `${apiUrl}/metrics`],
    ['Checkout', checkoutUrl],
  );
}
log(
  `ready in ${((Date.now() - started) / 1000).toFixed(1)} s (mode: ${sandboxOnly ? 'sandbox only' : mode})`,
);
for (const [name, url] of urls) process.stdout.write(`  ${name.padEnd(20)} ${url}\n`);
log('press Ctrl-C to stop');
