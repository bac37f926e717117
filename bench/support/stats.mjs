// Shared by the bench scripts: the median they report and the machine facts every result file starts with.
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
