#!/usr/bin/env node
// `npm run demo`: the guided demo (apps/demo/src/main.ts). Bundles it the way the API is built
// (tools/build-node-app.mjs, ~1 s) and runs it in this process, so Ctrl-C reaches its clean-up directly.
//   node tools/demo.mjs [--keep]        DEMO_BREAK=<step> makes that step fail on purpose
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { bundleNodeApp } from './build-node-app.mjs';

const root = resolve(import.meta.dirname, '..');
const outfile = await bundleNodeApp({ entry: 'apps/demo/src/main.ts', outfile: 'tmp/demo/demo.js' });
process.env.DEMO_ROOT = root;
process.chdir(root);
createRequire(import.meta.url)(outfile);
