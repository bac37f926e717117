// The README's promise: `npm start` serves /health/ready and the checkout page within 60 seconds.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Running, start, waitForHttp } from './support/processes';

describe('npm start', () => {
  let proc: Running;

  afterAll(async () => {
    await proc?.stop();
  });

  it('serves readiness, the API docs and the checkout page within 60 seconds', async () => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    const started = Date.now();
    proc = start(process.execPath, ['tools/start.mjs'], {
      DATA_DIR: mkdtempSync(join(ROOT, 'tmp', 'npm-start-')),
      PORT: '3000',
    });
    await waitForHttp('http://127.0.0.1:3000/health/ready', 60_000);
    await waitForHttp('http://localhost:4200', 60_000 - (Date.now() - started));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await fetch('http://127.0.0.1:3000/docs')).status).toBe(200);
    expect(await fetch('http://localhost:4200').then((r) => r.text())).toContain('<div id="root"></div>');
    // The emulators are up too, on their documented ports.
    expect((await fetch('http://127.0.0.1:4030/__sandbox/clock')).status).toBe(200);
    // start.mjs prints the URL list once it has seen every service answer, just after our own checks.
    const deadline = Date.now() + 10_000;
    while (!proc.output().includes('press Ctrl-C to stop') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(proc.output()).toMatch(/Checkout\s+http:\/\/localhost:4200/);
  }, 90_000);
});
