#!/usr/bin/env node
// Runs one of the API's command-line tools (apps/api/src/cli/<name>.ts) with the API's configuration:
//   node tools/run-cli.mjs reconcile --from 2026-11-01 --to 2026-11-30 [--heal] [--json]
// It bundles the command the way the API is built (tools/build-node-app.mjs, ~2 s), loads .env like
// `npm start`, and exits with the command's exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleNodeApp } from './build-node-app.mjs';

const root = resolve(import.meta.dirname, '..');
const [name, ...args] = process.argv.slice(2);
const entry = `apps/api/src/cli/${name}.ts`;
if (!name || !existsSync(resolve(root, entry))) {
  console.error(
    `usage: node tools/run-cli.mjs <command> [args]; no command "${name ?? ''}" in apps/api/src/cli`,
  );
  process.exit(2);
}

function loadDotEnv(path) {
  if (!existsSync(path)) return {};
  const out = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

const outfile = await bundleNodeApp({ entry, outfile: `tmp/cli/${name}.js` });
const result = spawnSync(process.execPath, [outfile, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...loadDotEnv(resolve(root, '.env')), ...process.env },
});
process.exit(result.status ?? 2);
