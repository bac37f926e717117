import { ExpectationFailed, formatSeconds, runSteps, Step, stepHeading } from './step-runner';

function collect() {
  const out: string[] = [];
  return { write: (t: string) => out.push(t), text: () => out.join('') };
}

const step = (over: Partial<Step> = {}): Step => ({
  title: 'Something happens',
  waitsFor: 'the thing',
  timeoutMs: 1_000,
  run: async () => ({ detail: 'done' }),
  ...over,
});

describe('demo step runner', () => {
  it('numbers the steps, says what each waits for, and appends ✓, the time and the detail', async () => {
    const out = collect();
    let t = 0;
    const result = await runSteps(
      [
        step({ title: 'First', run: async () => ((t += 2_140), { detail: 'id 42', lines: ['a link'] }) }),
        step({ title: 'Second', waitsFor: 'nothing', run: async () => undefined }),
      ],
      { write: out.write, now: () => t },
    );
    expect(result).toEqual({ ok: true, elapsedMs: 2_140, stepMs: [2_140, 0] });
    expect(out.text()).toBe(
      '[1/2] First — waiting for the thing … ✓ 2.1 s (id 42)\n' +
        '      a link\n' +
        '[2/2] Second — waiting for nothing … ✓ 0.0 s\n',
    );
  });

  it('pads the step number to the width of the total', () => {
    expect(stepHeading(3, 12, { title: 'T', waitsFor: 'w' })).toBe('[ 3/12] T — waiting for w …');
    expect(formatSeconds(59_950)).toBe('60.0 s');
  });

  it('fails a step that does not reach its state in time with expected vs the last thing it saw, and stops', async () => {
    const out = collect();
    const later = jest.fn();
    const result = await runSteps(
      [
        step({
          title: 'Invoice paid',
          waitsFor: 'invoice INV-1 paid',
          timeoutMs: 120,
          run: async (ctx) => {
            await ctx.until(async () => ({ value: false, found: 'invoice INV-1 sent, balance 99.00' }), 10);
          },
        }),
        step({ run: later }),
      ],
      { write: out.write },
    );
    expect(later).not.toHaveBeenCalled();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({
      step: 1,
      expected: 'invoice INV-1 paid within 0.1 s',
      found: 'invoice INV-1 sent, balance 99.00',
    });
    expect(out.text()).toMatch(
      /^\[1\/2\] Invoice paid — waiting for invoice INV-1 paid … ✗ after 0\.\d s\n {6}expected: invoice INV-1 paid within 0\.1 s\n {6}found: {4}invoice INV-1 sent, balance 99\.00\n$/,
    );
  });

  it('reports a step that throws ExpectationFailed with its own words, and any other error with the last observation', async () => {
    const a = await runSteps(
      [
        step({
          run: async () => {
            throw new ExpectationFailed('3 invoices', '2 invoices');
          },
        }),
      ],
      { write: () => undefined },
    );
    expect(!a.ok && a.failure).toMatchObject({ expected: '3 invoices', found: '2 invoices' });

    const b = await runSteps(
      [
        step({
          run: async (ctx) => {
            ctx.observe('record without a link');
            throw new Error('HTTP 500 from Attio');
          },
        }),
      ],
      { write: () => undefined },
    );
    expect(!b.ok && b.failure).toMatchObject({
      expected: 'the thing',
      found: 'HTTP 500 from Attio (last seen: record without a link)',
    });
  });

  it('DEMO_BREAK makes the named step wait for ever, so it fails on its timeout', async () => {
    const probes = jest.fn(async () => ({ value: 'ready', found: 'ready' }));
    const waits = step({ timeoutMs: 60, run: async (ctx) => ({ detail: await ctx.until(probes, 5) }) });
    const result = await runSteps([waits, waits], { write: () => undefined, breakStep: 2 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failure.step).toBe(2);
    expect(!result.ok && result.failure.expected).toContain('DEMO_BREAK');
    expect(probes.mock.calls.length).toBeGreaterThan(2);
  });

  it('fails the running step at once when something outside it fails (a process died)', async () => {
    let die: (err: Error) => void = () => undefined;
    const fatal = new Promise<never>((_, reject) => (die = reject));
    fatal.catch(() => undefined);
    const started = Date.now();
    const resultP = runSteps(
      [
        step({
          timeoutMs: 10_000,
          run: async (ctx) => {
            await ctx.until(async () => ({ value: false, found: 'waiting' }));
          },
        }),
      ],
      { write: () => undefined, fatal },
    );
    setTimeout(() => die(new Error('the API process exited (code 1)')), 30);
    const result = await resultP;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(!result.ok && result.failure.found).toBe('the API process exited (code 1) (last seen: waiting)');
  });
});
