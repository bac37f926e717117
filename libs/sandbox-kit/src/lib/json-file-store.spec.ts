import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileStore } from './json-file-store';

interface State {
  customers: string[];
}

describe('JsonFileStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sandbox-kit-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves atomically (no temp file left) and loads the state back, creating folders', () => {
    const path = join(dir, 'nested', 'state.json');
    new JsonFileStore<State>(path).saveNow({ customers: ['c1'] });
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(new JsonFileStore<State>(path).load()).toEqual({ customers: ['c1'] });
  });

  it('loads undefined for a missing file', () => {
    expect(new JsonFileStore<State>(join(dir, 'state.json')).load()).toBeUndefined();
  });

  it('moves a corrupt file aside with a warning instead of letting the next save overwrite it', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{not json');
    const warn = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(new JsonFileStore<State>(path).load()).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    const aside = readdirSync(dir).find((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toBe('{not json');
    expect(String(warn.mock.calls[0]?.[0])).toContain('is not valid JSON');
    warn.mockRestore();
  });

  it('debounces bursts of changes into one write of the latest snapshot', async () => {
    const path = join(dir, 'state.json');
    const store = new JsonFileStore<State>(path, 20);
    const state: State = { customers: [] };
    const snapshot = jest.fn(() => state);
    for (const id of ['a', 'b', 'c']) {
      state.customers.push(id);
      store.scheduleSave(snapshot);
    }
    expect(existsSync(path)).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(snapshot).toHaveBeenCalledTimes(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ customers: ['a', 'b', 'c'] });
  });

  it('flush writes at once and cancels the pending save', async () => {
    const path = join(dir, 'state.json');
    const store = new JsonFileStore<State>(path, 20);
    const snapshot = jest.fn(() => ({ customers: ['x'] }));
    store.scheduleSave(snapshot);
    store.flush(snapshot);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ customers: ['x'] });
    await new Promise((r) => setTimeout(r, 40));
    expect(snapshot).toHaveBeenCalledTimes(1);
  });

  it('is in-memory only without a path', () => {
    const store = new JsonFileStore<State>(undefined);
    const snapshot = jest.fn(() => ({ customers: [] }));
    store.scheduleSave(snapshot);
    store.flush(snapshot);
    store.saveNow({ customers: [] });
    expect(store.load()).toBeUndefined();
    expect(snapshot).not.toHaveBeenCalled();
  });
});
