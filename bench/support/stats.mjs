// Shared by the bench scripts: the median they report and the machine facts every result file starts with.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** The middle value (the lower one of an even count, so it is always a measured sample). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Date, Node version, cores and 1-minute load before/after: the context a figure needs to be read. */
export function machineFacts(loadBefore) {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage1mBefore: Number(loadBefore.toFixed(2)),
    loadAverage1mAfter: Number(loadavg()[0].toFixed(2)),
  };
}

/**
 * CPU time the hypervisor gave to other guests ("steal", /proc/stat), as a snapshot to diff. On this shared
 * VM an episode of steal slows whichever target happens to run then, by up to half; a phase's steal share
 * tells such a phase apart from a slow target. Returns undefined where /proc/stat does not exist.
 */
export function cpuTimes() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/** Percentage of all CPU time between two cpuTimes() snapshots that was stolen (undefined if unknown). */
export function stealPercent(before, after) {
  if (!before || !after || after.total <= before.total) return undefined;
  return Number(((100 * (after.steal - before.steal)) / (after.total - before.total)).toFixed(1));
}
