import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { freePort, ROOT, Running, start, waitForHttp } from './support/processes';

describe('checkout page in Chromium', () => {
  let browser: Browser;
  let preview: Running;
  let url: string;

  beforeAll(async () => {
    execFileSync(
      join(ROOT, 'node_modules/.bin/vite'),
      ['build', '--config', 'apps/checkout/vite.config.mts', '--logLevel', 'warn'],
      {
        cwd: ROOT,
        env: { ...process.env, VITE_API_URL: 'http://localhost:3000' },
      },
    );
    const port = await freePort();
    url = `http://localhost:${port}`;
    preview = start(join(ROOT, 'node_modules/.bin/vite'), [
      'preview',
      '--config',
      'apps/checkout/vite.config.mts',
      '--port',
      String(port),
      '--strictPort',
    ]);
    await waitForHttp(url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
  });

  it('tells the customer when the link is incomplete', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('missing or incomplete');
    await page.screenshot({ path: join(ROOT, 'tmp/checkout-no-token.png') });
    await page.close();
  });

  it('starts the checkout when the link carries a token', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/?token=abcdefghijklmnop.qrstuvwx`);
    expect(await page.getByRole('status').textContent()).toContain('Preparing your secure checkout');
    await page.close();
  });
});
