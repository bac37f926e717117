import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@aia/testing';
import { freePort, ROOT, Running, start, waitForHttp } from './support/processes';

describe('checkout page in Chromium', () => {
  let browser: Browser;
  let preview: Running;
  let url: string;

  beforeAll(async () => {
    // A port nothing listens on: the page must cope with an unreachable API.
    const deadApiPort = await freePort();
    execFileSync(
      join(ROOT, 'node_modules/.bin/vite'),
      ['build', '--config', 'apps/checkout/vite.config.mts', '--logLevel', 'warn'],
      {
        cwd: ROOT,
        env: { ...process.env, VITE_API_URL: `http://localhost:${deadApiPort}` },
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

  it('tells the customer when the link has no token', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByRole('heading', { name: 'This link is not valid' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('not valid');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.screenshot({ path: join(ROOT, 'tmp/checkout-no-token.png') });
    await page.close();
  });

  it('serves /c/<token> and shows a retryable error when the API cannot be reached', async () => {
    const page = await browser.newPage();
    // Nothing listens on the API URL the build was given, so the session request fails.
    await page.goto(`${url}/c/abcdefghijklmnop.qrstuvwx.yz`);
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('could not reach the checkout service');
    await page.close();
  });
});
