/*
 * The demo's child processes (emulators, API, checkout preview): output kept in a log file and a tail in
 * memory, stopped with SIGTERM then SIGKILL, and an unexpected exit reported as a fatal error of the demo.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { createServer } from 'node:net';

export class ChildService {
  private readonly tail: string[] = [];
  private partial = '';
  private readonly log: WriteStream;
  private stopping = false;
  readonly exited: Promise<number | string>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
    private readonly onUnexpectedExit: (message: string) => void,
  ) {
    this.log = createWriteStream(logFile);
    const take = (chunk: Buffer) => {
      this.log.write(chunk);
      const lines = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      this.tail.push(...lines);
      if (this.tail.length > 400) this.tail.splice(0, this.tail.length - 400);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        const how = signal ?? code ?? 'unknown';
        if (!this.stopping) onUnexpectedExit(`the ${name} process exited (${how})`);
        resolve(how);
      }),
    );
    child.once('error', (err) => {
      if (!this.stopping) onUnexpectedExit(`the ${name} process could not start: ${err.message}`);
    });
  }

  /** Everything printed so far (for parsing a start-up banner). */
  output(): string {
    return [...this.tail, this.partial].join('\n');
  }

  lastLines(n: number): string[] {
    return [...this.tail, ...(this.partial ? [this.partial] : [])].slice(-n);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.running) {
      this.child.kill('SIGTERM');
      const killed = await Promise.race([
        this.exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 5_000).unref()),
      ]);
      if (killed) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    await new Promise<void>((r) => this.log.end(r));
  }

  /** Last resort on process exit (synchronous): no child outlives the demo. */
  killNow(): void {
    this.stopping = true;
    if (this.running) this.child.kill('SIGKILL');
  }
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  onUnexpectedExit: (message: string) => void;
}

export function startService(o: SpawnOptions): ChildService {
  const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new ChildService(o.name, child, o.logFile, o.onUnexpectedExit);
}

/** `count` distinct free TCP ports on 127.0.0.1 (held together while choosing, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Resolves once `url` answers 2xx; rejects after `timeoutMs` or when `signal` aborts. */
export async function waitForHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${last})`);
}
