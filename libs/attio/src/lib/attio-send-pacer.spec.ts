import { AttioSendPacer } from './attio-send-pacer';

function fakeClock() {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

describe('AttioSendPacer', () => {
  it('lets an idle send go at once and spaces a burst evenly (windowMs / limit)', async () => {
    const clock = fakeClock();
    const pacer = new AttioSendPacer({ limit: 25, windowMs: 1050 }, clock.now, clock.sleep);
    const sentAt: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => pacer.acquire().then(() => sentAt.push(clock.now()))));
    expect(sentAt).toEqual([1000, 1042, 1084, 1126]);
  });

  it('does not wait again after an idle period', async () => {
    const clock = fakeClock();
    const pacer = new AttioSendPacer({ limit: 25, windowMs: 1000 }, clock.now, clock.sleep);
    await pacer.acquire();
    clock.advance(500);
    await pacer.acquire();
    expect(clock.sleeps).toEqual([]);
  });

  it('skips the slot of an attempt aborted while it waited', async () => {
    const clock = fakeClock();
    const pacer = new AttioSendPacer({ limit: 10, windowMs: 1000 }, clock.now, clock.sleep);
    await pacer.acquire();
    const controller = new AbortController();
    controller.abort(new Error('timed out'));
    await expect(pacer.acquire(controller.signal)).rejects.toThrow('timed out');
    await pacer.acquire();
    expect(clock.now()).toBe(1100); // the aborted one took no slot: the next send is one interval later
  });

  it('is a no-op without a finite limit', async () => {
    const clock = fakeClock();
    const pacer = new AttioSendPacer({ limit: Infinity, windowMs: 1000 }, clock.now, clock.sleep);
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    expect(clock.sleeps).toEqual([]);
  });
});
