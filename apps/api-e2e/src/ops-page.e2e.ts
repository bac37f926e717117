/*
 * The operations page (/ops of the checkout SPA) in Chromium against the real API and the emulators
 * (support/checkout-stack.ts): sign in with the ADMIN_TOKEN, list events and filter them, retry a real dead
 * letter once its cause is fixed, and heal a real reconciliation mismatch.
 *
 * Screenshots go to tmp/e2e-screenshots/; with SCREENSHOTS_DIR set (npm run screenshots) the README's images
 * are written there too, 1280 px wide (800 px high, the overview whole): ops-overview, ops-events,
 * ops-event-detail, ops-reconciliation, ops-payments and checkout (.png).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ATTIO_SANDBOX_TOKEN } from '@aia/sandbox-attio';
import {
  CheckoutStack,
  createCompany,
  eventually,
  sendCheckoutLink,
  startStackAndBrowser,
} from './support/checkout-stack';
import { ROOT } from './support/processes';

const SCREENSHOTS = join(ROOT, 'tmp', 'e2e-screenshots');
const README_IMAGES = process.env['SCREENSHOTS_DIR'];
const VIEWPORT = { width: 1280, height: 800 };
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

jest.setTimeout(60_000);

describe('operations page in Chromium', () => {
  let stack: CheckoutStack;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];
  /** The Zoho invoice whose webhook dead-letters (its customer has no Attio record yet). */
  let deadInvoice: { invoiceId: string; zohoCustomerId: string };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ({ stack, browser } = await startStackAndBrowser());

    // Some ordinary traffic: a company created in Attio (record.created reaches the API).
    await createCompany(stack, 'Listed Co');

    // A dead letter: Zoho raises an invoice for a customer no Attio record names.
    const customer = stack.zoho.billing.createCustomer({
      display_name: 'Unmapped Ltd',
      email: 'billing@unmapped.example',
    });
    const invoice = stack.zoho.billing.createInvoice({
      customer_id: customer.customer_id,
      invoice_items: [{ name: 'Extra seats', rate: 50, quantity: 1 }],
    });
    deadInvoice = { invoiceId: invoice.invoice_id, zohoCustomerId: customer.customer_id };
    await eventually(
      'the invoice_created webhook dead-lettered',
      async () => (await deadLetters()).some((e) => e.type === 'invoice_created'),
      20_000,
    );
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    const errors = pageErrors;
    pageErrors = [];
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}\n${stack.logs()}`);
  });

  async function deadLetters(): Promise<Array<{ id: string; type: string; lastError?: string }>> {
    const res = await fetch(`${stack.apiUrl}/admin/events?state=dead`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    if (!res.ok) throw new Error(`admin events: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { items: Array<{ id: string; type: string; lastError?: string }> }).items;
  }

  async function newPage(viewport = VIEWPORT): Promise<Page> {
    context = await browser.newContext({ viewport });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    return page;
  }

  /** Always to tmp/e2e-screenshots/; README images also to SCREENSHOTS_DIR when set. */
  async function screenshot(
    page: Page,
    name: string,
    { fullPage = false, readme = true } = {},
  ): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
    if (README_IMAGES && readme) {
      const dir = isAbsolute(README_IMAGES) ? README_IMAGES : join(ROOT, README_IMAGES);
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
    }
  }

  /** axe-core's serious and critical violations, one line per node (evaluated: the CSP refuses inline scripts). */
  async function seriousA11yProblems(page: Page): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
    const results = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document): Promise<AxeResults> } }).axe;
      const r = await axe.run(document);
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary ?? ''}`));
    });
    return results;
  }

  /** Opens /ops and signs in with the admin token, as an operator does. */
  async function signIn(viewport = VIEWPORT): Promise<Page> {
    const page = await newPage(viewport);
    await page.goto(`${stack.checkoutUrl}/ops`);
    await page.getByLabel('Admin token').fill(stack.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(page.url()).toBe(`${stack.checkoutUrl}/ops`);
    return page;
  }

  async function openSection(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  /** The text of each body row of a table (cells joined by " | "). */
  async function rows(table: Locator): Promise<string[]> {
    return table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td'))
          .map((td) => td.textContent?.trim())
          .join(' | '),
      ),
    );
  }

  it('refuses a wrong token and keeps the token out of the URL', async () => {
    const page = await newPage();
    await page.goto(`${stack.checkoutUrl}/ops`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token was refused' }).waitFor();
    expect(page.url()).toBe(`${stack.checkoutUrl}/ops`);
  });

  it('lists events with state and platform, dead letters first; filters and search narrow the list', async () => {
    const page = await signIn();
    // The overview: the dead letter counts, the chart and the platforms are there.
    await page.getByRole('img', { name: /Events received per hour/ }).waitFor();
    await page.getByRole('article', { name: 'Zoho Billing' }).waitFor();
    expect(Number(await page.getByTestId('dead-letters').textContent())).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'ops-overview', { fullPage: true });

    await openSection(page, 'Events');
    const dead = page.getByRole('region', { name: /^Dead letters/ });
    await dead.waitFor();
    const deadRows = await rows(dead.getByRole('table'));
    expect(deadRows.some((r) => /Zoho Billing \| invoice_created \| Dead letter/.test(r))).toBe(true);
    expect(deadRows.join('\n')).toContain(`zoho_customer_id = ${deadInvoice.zohoCustomerId}`);

    const all = page.getByRole('region', { name: /^All events/ });
    await all.locator('tbody tr').first().waitFor();
    const allRows = await rows(all.getByRole('table'));
    expect(allRows.some((r) => r.includes('Attio |'))).toBe(true);
    expect(allRows.some((r) => r.includes('Zoho Billing |'))).toBe(true);
    // The dead letter table comes before the full list.
    const [deadTop, allTop] = await Promise.all([dead.boundingBox(), all.boundingBox()]);
    expect(deadTop!.y).toBeLessThan(allTop!.y);
    await screenshot(page, 'ops-events');

    await page.getByLabel('Platform').selectOption('attio');
    await page.getByRole('heading', { name: /^All events/ }).waitFor();
    await eventually('only Attio events listed', async () => {
      const shown = await rows(all.getByRole('table'));
      return shown.length > 0 && shown.every((r) => r.includes('Attio |'));
    });
    expect(await dead.count()).toBe(0); // no Attio dead letter

    await page.getByLabel('Platform').selectOption('');
    await page.getByLabel('State').selectOption('dead');
    await page.getByRole('heading', { name: /^Dead letter events \(\d+\)/ }).waitFor();
    await eventually('only dead letters listed', async () => {
      const shown = await rows(page.getByRole('region', { name: /^Dead letter events/ }).getByRole('table'));
      return shown.length > 0 && shown.every((r) => r.includes('| Dead letter |'));
    });

    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Search').fill('invoice_created');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually('only invoice_created events listed', async () => {
      const shown = await rows(all.getByRole('table'));
      return shown.length > 0 && shown.every((r) => r.includes('| invoice_created |'));
    });
  });

  it('retries a dead letter once its cause is fixed: the invoice is paid', async () => {
    const page = await signIn();
    await page.getByRole('button', { name: 'Review dead letters' }).click();
    const list = page.getByRole('region', { name: /^Dead letter events/ });
    await list.locator('tbody tr').first().waitFor();
    await list
      .getByRole('button', { name: /^Open invoice_created event/ })
      .first()
      .click();
    const detail = page.getByRole('region', { name: 'Event invoice_created' });
    await detail.getByText('PermanentJobError').first().waitFor();
    expect(await detail.getByLabel('Payload as JSON').textContent()).toContain(deadInvoice.invoiceId);

    // The fix the error asks for: the customer's Attio record, with their card on file in Braintree.
    const vaulted = stack.braintree.vault.createCustomer({
      customer: { id: 'ops-e2e-unmapped', first_name: 'Unmapped', payment_method_nonce: 'fake-valid-nonce' },
    });
    expect(vaulted.kind === 'xml' && vaulted.status).toBe(201);
    const res = await fetch(`${stack.attioApiUrl}/objects/companies/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ATTIO_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: {
          values: {
            name: 'Unmapped Ltd',
            zoho_customer_id: deadInvoice.zohoCustomerId,
            braintree_customer_id: 'ops-e2e-unmapped',
          },
        },
      }),
    });
    expect(res.ok).toBe(true);

    await detail.getByRole('button', { name: 'Retry' }).click();
    await detail.getByRole('status').filter({ hasText: 'Queued again' }).waitFor();
    // The panel follows the event until it settles.
    await detail.locator('.badge', { hasText: 'Done' }).waitFor({ timeout: 45_000 });
    await screenshot(page, 'ops-event-detail');
    expect(stack.zoho.billing.getInvoice(deadInvoice.invoiceId).status).toBe('paid');
    expect(stack.braintree.state.transactionsForOrder(deadInvoice.invoiceId)).toHaveLength(1);
  });

  it('shows a charged_not_recorded mismatch and heals it: Zoho gets the payment', async () => {
    // Braintree took the money for a Zoho invoice, and Zoho never heard of it (webhooks off while raising it).
    const customer = stack.zoho.billing.createCustomer({
      display_name: 'Half Recorded Inc',
      email: 'ap@half-recorded.example',
    });
    const saved = stack.zoho.webhookConfig;
    stack.zoho.configureWebhooks({});
    let invoice: ReturnType<typeof stack.zoho.billing.createInvoice>;
    try {
      invoice = stack.zoho.billing.createInvoice({
        customer_id: customer.customer_id,
        invoice_items: [{ name: 'Annual add-on', rate: 75, quantity: 1 }],
      });
    } finally {
      stack.zoho.configureWebhooks(saved);
    }
    stack.braintree.vault.createCustomer({
      customer: { id: 'ops-e2e-half', first_name: 'Half', payment_method_nonce: 'fake-valid-nonce' },
    });
    const sale = stack.braintree.transactions.sale({
      transaction: {
        amount: '75.00',
        order_id: invoice.invoice_id,
        customer_id: 'ops-e2e-half',
        options: { submit_for_settlement: true },
      },
    });
    expect(sale.kind === 'xml' && sale.status).toBe(201);
    const number = invoice.number;

    const page = await signIn();
    await openSection(page, 'Reconciliation');
    const mismatches = page.getByRole('table', { name: 'Mismatches' });
    const row = mismatches.locator('tbody tr', { hasText: number });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('Charged, not recorded in Zoho');
    expect(await row.textContent()).toContain('Zoho has no payment with that reference');
    const counts = await rows(page.getByRole('table', { name: 'Invoices per class' }));
    expect(counts[0].split(' | ')[0]).not.toBe('0'); // charged_not_recorded is the first column
    await screenshot(page, 'ops-reconciliation');

    await row.getByRole('button', { name: `Heal invoice ${number}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Healed: Charged, not recorded in Zoho, invoice ${number}.` })
      .waitFor();
    await row.getByText('Healed').waitFor();
    expect(await row.getByRole('button').count()).toBe(0);

    const healed = stack.zoho.billing.getInvoice(invoice.invoice_id);
    expect(healed.status).toBe('paid');
    expect(healed.balance).toBe(0);
  });

  it('lists the recent payments and failed charges with the processor response', async () => {
    // A decline: Braintree's sandbox declines 2000.00–2999.99 with the amount as the processor code.
    const declined = stack.braintree.transactions.sale({
      transaction: { amount: '2046.00', order_id: 'ops-e2e-declined', customer_id: 'ops-e2e-half' },
    });
    expect(declined.kind === 'xml' && declined.status).toBe(422);
    const page = await signIn();
    await openSection(page, 'Payments');
    const payments = page.getByRole('region', { name: /^Recent payments/ });
    await payments.locator('tbody tr').first().waitFor();
    expect((await rows(payments.getByRole('table'))).join('\n')).toContain(deadInvoice.invoiceId);
    const failed = page.getByRole('region', { name: /^Failed charges/ });
    const failedRows = await rows(failed.getByRole('table'));
    expect(failedRows.some((r) => /ops-e2e-declined .*processor declined \| 2046 /.test(r))).toBe(true);
    await page.getByRole('img', { name: /^Sales per day/ }).waitFor();
    await screenshot(page, 'ops-payments');
  });

  it('fits a 375 px wide screen and has no serious accessibility problem', async () => {
    const page = await signIn({ width: 375, height: 812 });
    await page.getByRole('img', { name: /Events received per hour/ }).waitFor();
    const problems = await seriousA11yProblems(page);
    for (const name of ['Events', 'Reconciliation', 'Payments']) {
      await openSection(page, name);
      await page.waitForLoadState('networkidle');
      // The page does not scroll sideways: wide tables scroll inside their own box, and nothing else sticks out.
      const overflowing = await page.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .filter((el) => !el.parentElement?.closest('.table-scroll, .chart-scroll'))
          .map(
            (el) =>
              `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`,
          ),
      );
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ section: name, width, overflowing }).toEqual({ section: name, width: 375, overflowing: [] });
      problems.push(...(await seriousA11yProblems(page)).map((p) => `[${name}] ${p}`));
    }
    await screenshot(page, 'ops-375px', { fullPage: true, readme: false });
    expect(problems).toEqual([]);
  });

  it('the checkout as the customer sees it (README screenshot)', async () => {
    const recordId = await createCompany(stack, 'Globex');
    const link = await sendCheckoutLink(stack, recordId, 'pro-monthly');
    const page = await newPage();
    await page.goto(link);
    await page.getByRole('textbox', { name: 'Card number', disabled: false }).waitFor();
    await screenshot(page, 'checkout');
  });
});
