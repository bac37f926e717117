#!/usr/bin/env node
// Start-up benchmark: time from process start to /health/ready = 200, and resident memory once ready,
// for the built API and for a bare NestJS hello-world started the same way in the same run.
// Usage: npm run bench:startup [-- --runs 5]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { median } from '../support/stats.mjs';

const root = resolve(import.meta.dirname, '../..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const tmp = join(root, 'tmp/bench-startup');
mkdirSync(tmp, { recursive: true });

const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function once(bundle) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      // Production refuses an implicit mode (a live deploy must not fall back to the sandbox).
      INTEGRATION_MODE: 'sandbox',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATA_DIR: join(tmp, `data-${port}`),
    },
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`${bundle} exited with ${child.exitCode}`);
      if (performance.now() - started > 30_000) throw new Error(`${bundle} not ready after 30 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 300)); // let start-up allocations settle
    return { readyMs, rssMb: rssMb(child.pid) };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
  }
}

const build = (entry, out) =>
  execFileSync(process.execPath, ['tools/build-node-app.mjs', entry, out], { cwd: root, stdio: 'ignore' });
const apiBundle = join(root, 'dist/apps/api/main.js');
const bareBundle = join(tmp, 'bare-nest.js');
console.error('building the API and the bare NestJS baseline…');
build('apps/api/src/main.ts', apiBundle);
build('bench/startup/bare-nest.ts', bareBundle);

const results = { api: [], bare: [] };
for (let i = 0; i < runs; i++) {
  // Interleaved so drift in machine load hits both alike.
  results.bare.push(await once(bareBundle));
  results.api.push(await once(apiBundle));
  console.error(
    `run ${i + 1}/${runs}: api ${results.api[i].readyMs.toFixed(0)} ms ${results.api[i].rssMb.toFixed(0)} MB; bare ${results.bare[i].readyMs.toFixed(0)} ms ${results.bare[i].rssMb.toFixed(0)} MB`,
  );
}
const summary = Object.fromEntries(
  Object.entries(results).map(([k, v]) => [
    k,
    { readyMsMedian: median(v.map((r) => r.readyMs)), rssMbMedian: median(v.map((r) => r.rssMb)) },
  ]),
);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  runs,
  ...summary,
  ratio: {
    ready: summary.api.readyMsMedian / summary.bare.readyMsMedian,
    rss: summary.api.rssMbMedian / summary.bare.rssMbMedian,
  },
  targets: { readyMsMax: 1000, rssMbMax: 150, ratioMax: 1.5 },
};
report.pass =
  report.api.readyMsMedian <= 1000 &&
  report.api.rssMbMedian <= 150 &&
  report.ratio.ready <= 1.5 &&
  report.ratio.rss <= 1.5;
writeFileSync(join(tmp, 'results.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
