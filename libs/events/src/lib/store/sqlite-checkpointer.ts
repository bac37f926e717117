import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import type { SqliteDb } from './sqlite-database';

/**
 * Moves WAL checkpoints off the event loop. A checkpoint copies the WAL into the database file and
 * fsyncs it; run by SQLite's auto-checkpoint inside a commit, that stalled the request that happened to
 * commit by 10–35 ms on this machine (p99.9 of single inserts 12 ms → 0.5 ms without it). Here a worker
 * thread with its own connection runs PASSIVE checkpoints (they never block writers) every intervalMs.
 * If the thread dies, the main connection gets auto-checkpoint back.
 */
export class SqliteCheckpointer {
  private readonly logger = new Logger('SqliteCheckpointer');
  private worker?: Worker;

  constructor(
    private readonly db: SqliteDb,
    private readonly file: string,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    const driver = require.resolve('better-sqlite3');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(${JSON.stringify(driver)});
      const db = new Database(workerData.file);
      db.pragma('busy_timeout = 5000');
      const timer = setInterval(() => {
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err)); }
      }, workerData.intervalMs);
      parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
    `;
    try {
      this.worker = new Worker(code, {
        eval: true,
        workerData: { file: this.file, intervalMs: this.intervalMs },
      });
    } catch (err) {
      this.logger.warn(`background checkpoints unavailable, SQLite checkpoints inline: ${String(err)}`);
      return;
    }
    this.worker.unref();
    this.worker.on('message', (msg) => this.logger.warn(`checkpoint failed: ${String(msg)}`));
    this.worker.on('error', (err) => this.fallBack(err));
    this.db.pragma('wal_autocheckpoint = 0');
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    // Referenced while stopping: otherwise a process with nothing else left (a CLI, a worker-only process)
    // exited in the middle of close(), before the thread's last checkpoint.
    worker.ref();
    worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private fallBack(err: unknown): void {
    this.worker = undefined;
    this.logger.warn(`checkpoint thread stopped (${String(err)}); SQLite checkpoints inline again`);
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }
}
