#!/usr/bin/env node
// `npm run screenshots`: the README's images (docs/images/ops-*.png and checkout.png, 1280×800). Runs the
// operations page's browser suite (apps/api-e2e/src/ops-page.e2e.ts: emulators, the real API, the SPA in
// Debian's Chromium) with SCREENSHOTS_DIR set, so every image shows real data the suite just created.
// `node tools/screenshots.mjs <dir>` writes elsewhere.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, process.argv[2] ?? 'docs/images');
const jest = join(root, 'node_modules/.bin/jest');
const result = spawnSync(
  jest,
  ['-c', 'apps/api-e2e/jest.config.ts', '--runInBand', 'apps/api-e2e/src/ops-page.e2e.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SCREENSHOTS_DIR: dir } },
);
if (result.status !== 0) {
  console.error(`screenshots: the browser suite failed (exit ${result.status ?? result.signal})`);
  process.exit(1);
}
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.png'))
  .sort()) {
  console.log(`${join(dir, name)}  ${Math.round(statSync(join(dir, name)).size / 1024)} KB`);
}
