/*
 * The checkout end to end in Chromium: a salesperson flips subscription_status in Attio, the API writes a
 * signed link on the record, the customer opens it in the browser and pays with the sandbox card fields,
 * and the ids land in Attio. Emulators in this process, the real API in its own process, the SPA built
 * against it and served by `vite preview` (support/checkout-stack.ts).
 * Screenshots of each state go to tmp/e2e-screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { checkoutKeyId } from '@aia/checkout';
import { SANDBOX_DEFAULTS } from '@aia/platform';
import {
  CheckoutStack,
  createCompany,
  eventually,
  recordValues,
  sendCheckoutLink,
  startStackAndBrowser,
} from './support/checkout-stack';
import { ROOT } from './support/processes';

const SCREENSHOTS = join(ROOT, 'tmp', 'e2e-screenshots');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const APPROVED = '4111 1111 1111 1111';
const DECLINED = '4000 1111 1111 1115';

jest.setTimeout(30_000);

describe('checkout flow in Chromium: Attio trigger → link → payment → ids in Attio', () => {
  let stack: CheckoutStack;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ({ stack, browser } = await startStackAndBrowser());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    // An uncaught exception in the page is a bug even when the test's own checks passed.
    const errors = pageErrors;
    pageErrors = [];
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}\n${stack.logs()}`);
  });

  /** A fresh browser session (own cookies and storage) with bounded waits for every action. */
  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    context = await browser.newContext({ viewport });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    return page;
  }

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `checkout-${name}.png`), fullPage: true });

  /** A company in Attio with a checkout link sent by the salesperson; the link must point at the SPA. */
  async function customerWithLink(name?: string): Promise<{ recordId: string; link: string }> {
    const recordId = await createCompany(stack, name);
    const link = await sendCheckoutLink(stack, recordId, 'pro-monthly');
    expect(link).toMatch(new RegExp(`^${stack.checkoutUrl}/c/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    return { recordId, link };
  }

  /** The form is there and the card fields are mounted (the sandbox inputs are disabled until then). */
  async function formReady(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1, name: 'Subscribe' }).waitFor();
    await page.getByRole('textbox', { name: 'Card number', disabled: false }).waitFor();
  }

  /** Types into the field a keyboard user has reached: it must be the focused one, found by its label. */
  async function typeInFocused(page: Page, label: string, text: string): Promise<void> {
    const field = page.getByLabel(label, { exact: true });
    const focused = await field.evaluate((el) => el === document.activeElement);
    if (!focused) {
      const active = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
      throw new Error(`expected focus on the "${label}" field, found it on ${active}`);
    }
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  }

  /** The card, from the card number field onwards, with Tab between fields (focus starts on the number). */
  async function typeCard(page: Page, number: string): Promise<void> {
    await typeInFocused(page, 'Card number', number);
    await page.keyboard.press('Tab');
    await typeInFocused(page, 'Expiry date (MM/YY)', '12/30');
    await page.keyboard.press('Tab');
    await typeInFocused(page, 'Security code (CVV)', '123');
  }

  /** The whole form from the first field, by keyboard only: name, e-mail, past the optional fields, card. */
  async function fillForm(page: Page, card: string): Promise<void> {
    await page.getByLabel('Name on card', { exact: true }).focus();
    await typeInFocused(page, 'Name on card', 'Ada Lovelace');
    await page.keyboard.press('Tab');
    await typeInFocused(page, 'Email', 'ada@example.com');
    await page.keyboard.press('Tab'); // Company (optional)
    await page.keyboard.press('Tab'); // Postal code (optional)
    await page.keyboard.press('Tab');
    await typeCard(page, card);
  }

  async function expectSubscribed(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1, name: 'You are subscribed' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Your subscription is set up.');
    const summary = await page.locator('dl.summary').innerText();
    expect(summary).toMatch(/Plan\s+Pro Monthly/);
    expect(summary).toMatch(/Price\s+\$99\.00/);
    expect(summary).toMatch(/Card\s+Visa ending in 1111/);
  }

  async function expectActiveInAttio(recordId: string): Promise<Record<string, string | undefined>> {
    try {
      return await eventually('the subscription recorded in Attio', () => {
        const v = recordValues(stack, recordId);
        return (
          v['subscription_status'] === 'active' &&
          !!v['braintree_customer_id'] &&
          !!v['zoho_customer_id'] &&
          !!v['zoho_subscription_id'] &&
          v
        );
      });
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; record: ${JSON.stringify(recordValues(stack, recordId))}\n${stack.logs()}`,
      );
    }
  }

  /** axe-core in the page; the serious and critical violations, one readable line per node. */
  async function seriousA11yProblems(page: Page, state: string): Promise<string[]> {
    // Evaluated, not injected as a <script>: the page's CSP (as in production) refuses inline scripts.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document): Promise<AxeResults> } }).axe;
      const results = await axe.run(document);
      if (results.passes.length === 0) throw new Error('axe-core checked nothing');
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'unknown',
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`.replace(/\s+/g, ' ')),
      }));
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => [
        `[${state}] ${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map((n) => `    ${n}`),
      ]);
  }

  it('a salesperson sends the link from Attio; the customer pays by keyboard; Attio holds every id', async () => {
    const { recordId, link } = await customerWithLink('Initech');
    const page = await newPage();
    await page.goto(link);
    await formReady(page);

    // What the customer sees: their name, the plan and its price, the sandbox banner.
    expect(await page.getByLabel('Name on card', { exact: true }).inputValue()).toBe('Initech');
    expect(await page.getByRole('heading', { level: 2, name: 'Pro Monthly' }).isVisible()).toBe(true);
    expect(await page.locator('.plan .price').textContent()).toBe('$99.00 per month');
    const banner = page.getByRole('note');
    expect(await banner.textContent()).toContain('Sandbox: no real card is charged.');
    expect(await banner.isVisible()).toBe(true);

    await fillForm(page, APPROVED);
    await screenshot(page, 'form');
    await page.keyboard.press('Enter'); // submits from the CVV field, as a keyboard user would
    await expectSubscribed(page);
    await screenshot(page, 'success');

    const values = await expectActiveInAttio(recordId);
    expect(values['braintree_customer_id']).toMatch(/\S/);
    expect(values['zoho_customer_id']).toMatch(/\S/);
    expect(values['zoho_subscription_id']).toMatch(/\S/);
    // The ids point at real objects in the other two systems.
    expect(stack.braintree.state.customers.get(values['braintree_customer_id']!)).toBeDefined();
    expect(stack.zoho.state.customers.get(values['zoho_customer_id']!)?.email).toBe('ada@example.com');
    expect(stack.zoho.state.subscriptions.get(values['zoho_subscription_id']!)?.customer_id).toBe(
      values['zoho_customer_id'],
    );
  });

  it('a declined card is announced and the form stays usable; a good card then succeeds', async () => {
    const { recordId, link } = await customerWithLink('Declined Then Paid');
    const page = await newPage();
    await page.goto(link);
    await formReady(page);

    await fillForm(page, DECLINED);
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'Your card was declined.' }).waitFor();
    expect(await alert.innerText()).toMatch(/declined[\s\S]*use a different card/);
    await screenshot(page, 'declined');

    // Usable: the fields take input again, the button offers a retry and has the keyboard focus.
    const retry = page.getByRole('button', { name: 'Try again' });
    expect(await retry.isEnabled()).toBe(true);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Try again');
    expect(await page.getByLabel('Card number', { exact: true }).isEnabled()).toBe(true);
    expect(recordValues(stack, recordId)['subscription_status']).toBe('checkout_sent');
    expect(recordValues(stack, recordId)['braintree_customer_id']).toBeUndefined();

    // Back to the card number with Shift+Tab (the sandbox fields were cleared after tokenizing).
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    await typeCard(page, APPROVED);
    await page.keyboard.press('Enter');
    await expectSubscribed(page);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectActiveInAttio(recordId);
  });

  it('an expired link shows the expired state', async () => {
    const recordId = await createCompany(stack, 'Expired Ltd');
    const secret = SANDBOX_DEFAULTS.CHECKOUT_TOKEN_SECRET; // what the API signs with in sandbox mode
    const exp = Math.floor(Date.now() / 1000) - 60;
    const token = await new SignJWT({ mode: 'subscribe', plan: 'pro-monthly' })
      .setProtectedHeader({ alg: 'HS256', kid: checkoutKeyId(secret), typ: 'JWT' })
      .setSubject(recordId)
      .setJti('0c7e55a2-41f4-4e39-9c0e-5d2b8b0a7e01')
      .setIssuer('attio-integration-api')
      .setAudience('checkout')
      .setIssuedAt(exp - 7 * 24 * 3600)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));

    const page = await newPage();
    await page.goto(`${stack.checkoutUrl}/c/${token}`);
    await page.getByRole('heading', { level: 1, name: 'This link has expired' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Please ask us for a new link.');
    expect(await page.getByRole('textbox').count()).toBe(0);
    await screenshot(page, 'expired');
  });

  it('has no serious or critical axe-core violations on the form and on the success state', async () => {
    const { link } = await customerWithLink('Accessible Inc');
    const page = await newPage();
    await page.goto(link);
    await formReady(page);
    const problems = await seriousA11yProblems(page, 'form');

    await fillForm(page, APPROVED);
    await page.keyboard.press('Enter');
    await expectSubscribed(page);
    problems.push(...(await seriousA11yProblems(page, 'success')));

    if (problems.length)
      throw new Error(`axe-core found serious/critical violations:\n${problems.join('\n')}`);
  });

  it('fits a 375×667 phone screen without horizontal scrolling', async () => {
    const { link } = await customerWithLink('Small Screen GmbH');
    const page = await newPage({ width: 375, height: 667 });
    await page.goto(link);
    await formReady(page);
    await screenshot(page, 'phone');
    const { innerWidth, scrollWidth, clientWidth } = await page.evaluate(() => {
      const el = document.scrollingElement ?? document.documentElement;
      return { innerWidth: window.innerWidth, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
    });
    expect(innerWidth).toBe(375);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });
});
