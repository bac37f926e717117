import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

  /**
   * The saved state, or undefined when there is none. A file that cannot be parsed is moved aside
   * (`<file>.corrupt-<time>`) with a warning, never silently overwritten by the next save.
   */
  load(): T | undefined {
    if (!this.path || !existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      renameSync(this.path, aside);
      process.stderr.write(
        `sandbox: ${this.path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); ` +
          `moved to ${aside}, starting empty\n`,
      );
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
