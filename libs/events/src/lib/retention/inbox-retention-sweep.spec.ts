import type { EventInbox } from '../inbox/event-inbox';
import { InboxRetentionSweep } from './inbox-retention-sweep';

/** An inbox whose pruneTerminal answers from a script of results (a number, or an error to throw). */
function scriptedInbox(results: Array<number | Error>) {
  const calls: Array<{ olderThan: number; limit: number }> = [];
  const inbox = {
    pruneTerminal: async (olderThan: number, limit: number) => {
      calls.push({ olderThan, limit });
      const next = results.shift() ?? 0;
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as EventInbox;
  return { inbox, calls };
}

const retention = { eventsMs: 60_000, intervalMs: 3_600_000, batch: 3 };

describe('InboxRetentionSweep', () => {
  it('repeats batches until one comes back short, with a cutoff of now - eventsMs', async () => {
    const { inbox, calls } = scriptedInbox([3, 3, 1]);
    const onPruned = jest.fn();
    const sweep = new InboxRetentionSweep(inbox, retention, { onPruned, onError: jest.fn() });
    const before = Date.now();
    expect(await sweep.run()).toBe(7);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.limit === 3)).toBe(true);
    expect(calls[0].olderThan).toBeGreaterThanOrEqual(before - 60_000);
    expect(calls[0].olderThan).toBeLessThanOrEqual(Date.now() - 60_000);
    expect(onPruned).toHaveBeenCalledWith(7);
  });

  it('reports a failure instead of throwing, keeping what it deleted before it', async () => {
    const { inbox } = scriptedInbox([3, new Error('disk full')]);
    const onError = jest.fn();
    const onPruned = jest.fn();
    const sweep = new InboxRetentionSweep(inbox, retention, { onPruned, onError });
    await expect(sweep.run()).resolves.toBe(3);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk full' }));
    expect(onPruned).toHaveBeenCalledWith(3);
  });

  it('runs once at start, joins overlapping runs, and stop() waits for the running batch', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const inbox = {
      pruneTerminal: () => {
        calls++;
        return new Promise<number>((r) => (release = () => r(3)));
      },
    } as unknown as EventInbox;
    const sweep = new InboxRetentionSweep(inbox, retention, { onPruned: jest.fn(), onError: jest.fn() });
    sweep.start();
    const joined = sweep.run();
    expect(calls).toBe(1);
    let stopped = false;
    const stopping = sweep.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release(); // a full batch, but stop() was asked for: no further batch
    await stopping;
    expect(await joined).toBe(3);
    expect(calls).toBe(1);
  });
});
