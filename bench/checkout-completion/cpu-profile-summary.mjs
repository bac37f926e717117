#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): self time by package (node_modules/<pkg>), by our own source
// area (apps/…, libs/<lib>), Node internals and GC, plus the top functions.
//   node bench/checkout-completion/cpu-profile-summary.mjs <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}
/** Where a function lives: a package, one of our libs, node internals, or V8 pseudo-frames. */
function areaOf(frame) {
  const url = frame.url ?? '';
  if (!url) return `(${frame.functionName || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  // The bench bundle inlines our sources: the bundle file itself.
  return url.split('/').slice(-2).join('/');
}
const byArea = new Map();
const byFunction = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  total += us;
  const area = areaOf(node.callFrame);
  byArea.set(area, (byArea.get(area) ?? 0) + us);
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${area}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1)} %`;
const rows = (m) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${pct(us).padStart(7)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms\n\nself time by area:`);
console.log(rows(byArea).join('\n'));
console.log('\ntop functions (self time):');
console.log(rows(byFunction).join('\n'));
