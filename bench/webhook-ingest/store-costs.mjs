#!/usr/bin/env node
// CPU per webhook spent in the event store, without HTTP (see store-costs.ts). Median of --rounds fresh runs.
// Storing: one webhook at a time (`store`) and ten at a time (`storeTenAtATime`, sharing group commits).
//   node bench/webhook-ingest/store-costs.mjs [--events 5000] [--rounds 3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleNodeApp } from '../../tools/build-node-app.mjs';
import { median } from '../support/stats.mjs';

const root = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '3' } },
});
const bundle = await bundleNodeApp({
  entry: 'bench/webhook-ingest/store-costs.ts',
  outfile: 'tmp/bench-webhook-ingest/store-costs.js',
  sourcemap: false,
});
const runs = [];
for (let i = 0; i < Number(args.rounds); i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'aia-store-costs-'));
  try {
    const out = execFileSync(process.execPath, [bundle, args.events, dataDir], {
      cwd: root,
      encoding: 'utf8',
    });
    runs.push(JSON.parse(out));
    console.error(`round ${i + 1}: ${out.trim()}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const pick = (part, field) => median(runs.map((r) => r[part][field]));
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      events: Number(args.events),
      rounds: runs.length,
      cpuMicrosecondsPerEvent: {
        store: { user: pick('store', 'userUs'), system: pick('store', 'systemUs') },
        storeTenAtATime: {
          user: pick('storeTenAtATime', 'userUs'),
          system: pick('storeTenAtATime', 'systemUs'),
        },
        process: { user: pick('process', 'userUs'), system: pick('process', 'systemUs') },
      },
    },
    null,
    2,
  ),
);
