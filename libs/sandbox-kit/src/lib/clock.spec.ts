import { SandboxClock } from './clock';

describe('SandboxClock', () => {
  it('starts at real time and moves forward by the advanced amount', async () => {
    const clock = new SandboxClock();
    const before = Date.now();
    expect(Math.abs(clock.now().getTime() - before)).toBeLessThan(1_000);
    const to = await clock.advance(86_400_000);
    expect(clock.offset).toBe(86_400_000);
    expect(to.getTime() - Date.now()).toBeGreaterThan(86_400_000 - 1_000);
  });

  it('runs listeners in registration order with (from, to), awaiting each one', async () => {
    const clock = new SandboxClock();
    const calls: string[] = [];
    clock.onAdvance(async (from, to) => {
      await new Promise((r) => setTimeout(r, 5));
      calls.push(`first ${to.getTime() - from.getTime()}`);
    });
    clock.onAdvance((from, to) => void calls.push(`second ${to.getTime() - from.getTime()}`));
    await clock.advance(60_000);
    // from/to are taken from real time around the offset change, so allow a few ms of drift.
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/^first 600\d\d$/);
    expect(calls[1]).toMatch(/^second 600\d\d$/);
  });

  it('refuses to move backwards or by a non-finite amount', async () => {
    const clock = new SandboxClock();
    await expect(clock.advance(-1)).rejects.toThrow('forward');
    await expect(clock.advance(Number.NaN)).rejects.toThrow('forward');
    await expect(clock.advance(Infinity)).rejects.toThrow('forward');
    expect(clock.offset).toBe(0);
  });

  it('reset returns to real time; offset can be restored (persistence)', async () => {
    const clock = new SandboxClock();
    await clock.advance(5_000);
    clock.reset();
    expect(clock.offset).toBe(0);
    clock.offset = 7_000;
    expect(clock.now().getTime() - Date.now()).toBeGreaterThan(6_000);
  });
});
