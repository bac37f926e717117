/*
 * The customer's side: the checkout link opened in headless Chromium (launchChromium from libs/testing) and the sandbox card fields filled like a person would.
 */
import type { Browser, Page } from 'playwright-core';

export { launchChromium } from '@aia/testing';

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
