/*
 * The customer's side: the checkout link opened in headless Chromium (Debian's /usr/bin/chromium, flags as
 * in apps/api-e2e/src/support/browser.ts) and the sandbox card fields filled like a person would.
 */
import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface CardEntry {
  number: string;
  name?: string;
  email?: string;
}

export interface PageResult {
  heading: string;
  summary: string;
}

/**
 * Opens `link`, fills the form and submits it; resolves with the heading and summary of the page the
 * customer ends on (the success page, or the form with its alert when the card is refused).
 */
export async function payOnCheckoutPage(
  browser: Browser,
  link: string,
  card: CardEntry,
  timeoutMs: number,
): Promise<PageResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(timeoutMs);
  const errors: string[] = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(link);
    // The form is there once the card fields are mounted (the sandbox inputs are disabled until then).
    await page.getByRole('textbox', { name: 'Card number', disabled: false }).waitFor();
    // Billing details the page could not prefill (an update_card session may know neither).
    for (const [label, value] of [
      ['Name on card', card.name],
      ['Email', card.email],
    ] as const) {
      const field = page.getByLabel(label, { exact: true });
      if (value && !(await field.inputValue())) await field.fill(value);
    }
    await page.getByLabel('Card number', { exact: true }).fill(card.number);
    await page.getByLabel('Expiry date (MM/YY)', { exact: true }).fill('12/30');
    await page.getByLabel('Security code (CVV)', { exact: true }).fill('123');
    await page.getByRole('button', { name: /^(Subscribe|Update card)$/ }).click();
    return await outcome(page, errors);
  } finally {
    await context.close();
  }
}

async function outcome(page: Page, errors: string[]): Promise<PageResult> {
  const done = page.getByRole('heading', { level: 1, name: /^(You are subscribed|Your card is updated)$/ });
  const refused = page.getByRole('alert');
  await done.or(refused).first().waitFor();
  if (errors.length) throw new Error(`uncaught errors in the checkout page: ${errors.join('; ')}`);
  if (await refused.isVisible()) {
    return {
      heading: (await page.locator('h1').innerText()).trim(),
      summary: (await refused.innerText()).trim(),
    };
  }
  const summary = await page
    .locator('dl.summary')
    .evaluate((dl) =>
      [...dl.querySelectorAll('dt')]
        .map((dt) => `${dt.textContent?.trim()}: ${dt.nextElementSibling?.textContent?.trim()}`)
        .join(', '),
    )
    .catch(() => '');
  return { heading: (await done.innerText()).trim(), summary };
}
