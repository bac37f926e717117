/* Runs the API in child processes (test-only): bundle once, start, SIGKILL, restart. */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '../../../..');
const BUNDLE = join(ROOT, 'tmp', 'api-process', 'api-process.js');
let bundled = false;

/** Bundles api-process.ts the way the API itself is built (tools/build-node-app.mjs). */
export function bundleApiProcess(): string {
  if (!bundled) {
    mkdirSync(join(ROOT, 'tmp', 'api-process'), { recursive: true });
    execFileSync(
      process.execPath,
      ['tools/build-node-app.mjs', 'apps/api/src/testing/api-process.ts', BUNDLE],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    bundled = true;
  }
  return BUNDLE;
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hooks, no lease hand-back; as a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
}

export async function startApiProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<ApiProcess> {
  const child = spawn(process.execPath, [bundleApiProcess()], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`API process not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    child.once('exit', (code) => reject(new Error(`API process exited (${code}) before ready:\n${out}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out += `${line}\n`;
      try {
        const msg = JSON.parse(line) as { ready?: string };
        if (msg.ready) {
          clearTimeout(timer);
          resolve(msg.ready);
        }
      } catch {
        // a log line
      }
    });
  });
  const waitExit = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
  };
  return { url, child, output: () => out, kill: waitExit('SIGKILL'), stop: waitExit('SIGTERM') };
}
