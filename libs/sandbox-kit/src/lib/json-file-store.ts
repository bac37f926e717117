import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Optional persistence for emulator state: the whole state as one JSON file, written atomically a short
 * while after each change so `npm start` survives a restart. In-memory only when no path is given.
 */
export class JsonFileStore<T> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string | undefined,
    private readonly debounceMs = 200,
  ) {}

  load(): T | undefined {
    if (!this.path) return undefined;
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** Schedules a save; `snapshot` is called when the write happens, so bursts of changes write once. */
  scheduleSave(snapshot: () => T): void {
    if (!this.path || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow(snapshot());
    }, this.debounceMs);
    this.timer.unref();
  }

  saveNow(state: T): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.path);
  }

  flush(snapshot: () => T): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.path) this.saveNow(snapshot());
  }
}
