/*
 * The guided demo's story, step by step: what each actor does and what the demo waits to see in Attio,
 * Zoho and Braintree before it moves on. Every expectation is checked in the platforms themselves.
 */
import type { Browser } from 'playwright-core';
import { launchChromium, payOnCheckoutPage } from './browser';
import {
  isApproved,
  Platforms,
  platformClients,
  RecordValues,
  ReconciliationReport,
  Sale,
  ZohoInvoice,
} from './platforms';
import { build, choosePorts, DemoSettings, DemoStack, Ports, startStack } from './stack';
import { ExpectationFailed, formatSeconds, Step } from './step-runner';

export const PLAN = 'pro-monthly';
export const GOOD_CARD = '4111 1111 1111 1111';
export const NEW_CARD = '5555 5555 5555 4444';
/** Braintree's test nonce for its declining test card 4000 1111 1111 1115 (processor declined 2000). */
export const DECLINING_NONCE = 'fake-processor-declined-visa-nonce';

/** What the steps learn and hand on to the next ones. */
export interface DemoState {
  /** Set by main: fails the running step (a process died). */
  reportFatal?: (err: Error) => void;
  ports?: Ports;
  stack?: DemoStack;
  platforms?: Platforms;
  browser?: Browser;
  recordId?: string;
  link?: string;
  braintreeCustomerId?: string;
  zohoCustomerId?: string;
  zohoSubscriptionId?: string;
  firstInvoiceDate?: string;
  /** Number of the last invoice the demo saw paid. */
  lastPaid?: string;
  declined?: ZohoInvoice;
  reconciliation?: ReconciliationReport;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not known (an earlier step did not set it)`);
  return value;
}

/** A record's values in one line, for "found:". */
export function describeRecord(v: RecordValues, slugs: readonly string[]): string {
  return slugs
    .map((s) => {
      const value = v[s];
      if (value === undefined) return `${s}=(empty)`;
      return s === 'checkout_link' ? `${s}=${linkMode(value) ?? 'set'} link` : `${s}=${value}`;
    })
    .join(', ');
}

/** The `mode` claim of a signed checkout link (`subscribe` or `update_card`); the signature is the API's business. */
export function linkMode(link: string): string | undefined {
  const token = link.split('/c/')[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { mode?: string }).mode;
  } catch {
    return undefined;
  }
}

const describeInvoices = (list: ZohoInvoice[]) =>
  list.length
    ? list
        .map((i) =>
          `${i.number} ${i.transaction_type ?? ''} ${i.total.toFixed(2)} ${i.status}`.replace(/ +/g, ' '),
        )
        .join('; ')
    : 'no invoices';

const describeSales = (sales: Sale[]) =>
  sales.length
    ? sales
        .map(
          (s) =>
            `${s.id} ${s.status}${isApproved(s) ? '' : ` (${s.processorResponseCode} ${s.processorResponseText})`}`,
        )
        .join('; ')
    : 'no sales';

const RECORD_SLUGS = [
  'subscription_status',
  'last_payment_status',
  'last_invoice_number',
  'checkout_link',
] as const;

export function buildSteps(settings: DemoSettings, state: DemoState): Step[] {
  const p = () => need(state.platforms, 'the platform clients');

  /**
   * Waits until Attio shows the payment (`attioShowsIt`), then until Zoho shows the invoice paid with exactly
   * one approved Braintree sale for it. Attio is polled often (100 reads/s); Zoho once a second (it allows
   * 100 calls a minute, shared with the API).
   */
  const paidEverywhere = async (
    ctx: Parameters<Step['run']>[0],
    attioShowsIt: (v: RecordValues) => boolean,
    invoiceOf: (all: ZohoInvoice[]) => ZohoInvoice | undefined,
  ): Promise<{ invoice: ZohoInvoice; sale: Sale }> => {
    const { attio, zoho, braintree } = p();
    const recordId = need(state.recordId, 'the record');
    const zohoCustomerId = need(state.zohoCustomerId, 'the Zoho customer');
    await ctx.until(async () => {
      const v = await attio.values(recordId);
      return { value: attioShowsIt(v), found: `Attio: ${describeRecord(v, RECORD_SLUGS)}` };
    });
    return ctx.until(async () => {
      const all = await zoho.invoicesOf(zohoCustomerId);
      const invoice = invoiceOf(all);
      const sales = invoice ? await braintree.salesFor(invoice.invoice_id) : [];
      const approved = sales.filter(isApproved);
      const v = await attio.values(recordId);
      const found = `Zoho: ${describeInvoices(all)}; Braintree: ${describeSales(sales)}; Attio: ${describeRecord(v, RECORD_SLUGS)}`;
      const done =
        invoice?.status === 'paid' &&
        approved.length === 1 &&
        v['last_payment_status'] === 'paid' &&
        v['last_invoice_number'] === invoice.number &&
        v['subscription_status'] === 'active';
      return { value: done && { invoice, sale: approved[0] }, found };
    }, 1_000);
  };
  const paidIn = (v: RecordValues, invoiceNumber?: string) =>
    v['last_payment_status'] === 'paid' &&
    v['subscription_status'] === 'active' &&
    !!v['last_invoice_number'] &&
    (invoiceNumber === undefined || v['last_invoice_number'] === invoiceNumber);

  const renewalsOf = (all: ZohoInvoice[]) => all.filter((i) => i.transaction_type === 'renewal');

  return [
    {
      title: 'Build the API, the emulators and the checkout page',
      waitsFor: 'nx build (cached when unchanged) and vite build',
      timeoutMs: 300_000,
      run: async () => {
        state.ports = await choosePorts();
        await build(settings, `http://127.0.0.1:${state.ports.api}`);
        return {};
      },
    },
    {
      title: 'Start the emulators, the API and the checkout page on free ports',
      waitsFor: '/health/ready, the checkout page, and the Attio attributes the API provisions',
      timeoutMs: 60_000,
      run: async (ctx) => {
        const ports = need(state.ports, 'the ports');
        const [stack, browser] = await Promise.all([startStack(settings, ports), launchChromium()]);
        const provisioning = Date.now();
        state.stack = stack;
        state.browser = browser;
        stack.fatal.catch((err: Error) => state.reportFatal?.(err));
        state.platforms = platformClients(stack.urls, settings.adminToken);
        const { attio } = state.platforms;
        await ctx.until(async () => {
          const missing = [];
          for (const slug of ['subscription_status', 'checkout_link', 'last_invoice_number']) {
            if (!(await attio.attributeExists(slug))) missing.push(slug);
          }
          const plans = missing.length ? [] : await attio.selectOptions('subscription_plan');
          const ready = missing.length === 0 && plans.includes(PLAN);
          return {
            value: ready,
            found: missing.length
              ? `Attio attributes missing: ${missing.join(', ')}`
              : `subscription_plan options: ${plans.join(', ') || 'none'}`,
          };
        });
        const u = stack.urls;
        const secs = (ms: number) => formatSeconds(ms);
        return {
          detail: `emulators ${secs(stack.startMs.sandbox)}, API and checkout page ${secs(stack.startMs.apiAndCheckout)}, Attio provisioned ${secs(Date.now() - provisioning)}`,
          lines: [
            `API ${u.api}   checkout ${u.checkout}`,
            `Attio ${u.attio}   Zoho ${u.zoho}/billing/v1   Braintree ${u.braintree}`,
            `data and logs: ${settings.workDir}`,
          ],
        };
      },
    },
    {
      title: 'A salesperson creates the company "Acme Rockets" in Attio',
      waitsFor: 'the new record (Attio REST API)',
      timeoutMs: 10_000,
      run: async (ctx) => {
        const { attio } = p();
        state.recordId = await attio.createCompany('Acme Rockets');
        const name = await ctx.until(async () => {
          const v = await attio.values(need(state.recordId, 'the record'));
          return { value: v['name'], found: `name=${v['name'] ?? '(empty)'}` };
        });
        return { detail: `record ${state.recordId}, name ${name}` };
      },
    },
    {
      title: `…picks the plan ${PLAN} and sets subscription_status to send_checkout`,
      waitsFor: 'the API to write a signed checkout link on the record (checkout_sent)',
      timeoutMs: 15_000,
      run: async (ctx) => {
        const { attio } = p();
        const recordId = need(state.recordId, 'the record');
        await attio.userEdit(recordId, { subscription_plan: PLAN, subscription_status: 'send_checkout' });
        const link = await ctx.until(async () => {
          const v = await attio.values(recordId);
          const link = v['checkout_link'];
          const ok =
            v['subscription_status'] === 'checkout_sent' &&
            !!link &&
            link.startsWith(`${state.stack?.urls.checkout}/c/`) &&
            linkMode(link) === 'subscribe';
          return { value: ok && link, found: describeRecord(v, RECORD_SLUGS) };
        });
        state.link = link;
        return { detail: 'Attio would e-mail it now', lines: [`checkout link: ${link}`] };
      },
    },
    {
      title: `The customer opens the link in Chromium and pays with ${GOOD_CARD}`,
      waitsFor: '"You are subscribed", then the Braintree and Zoho ids and status active on the Attio record',
      timeoutMs: 30_000,
      run: async (ctx) => {
        const { attio } = p();
        const recordId = need(state.recordId, 'the record');
        const page = await payOnCheckoutPage(
          need(state.browser, 'Chromium'),
          need(state.link, 'the checkout link'),
          { number: GOOD_CARD, name: 'Ada Lovelace', email: 'ada@acme-rockets.example' },
          20_000,
        );
        ctx.observe(`checkout page: "${page.heading}" ${page.summary}`);
        if (page.heading !== 'You are subscribed' || ctx.broken) {
          throw new ExpectationFailed(
            'the checkout page to say "You are subscribed"',
            `"${page.heading}": ${page.summary}`,
          );
        }
        const v = await ctx.until(async () => {
          const v = await attio.values(recordId);
          const ok =
            v['subscription_status'] === 'active' &&
            !!v['braintree_customer_id'] &&
            !!v['zoho_customer_id'] &&
            !!v['zoho_subscription_id'];
          return {
            value: ok && v,
            found: describeRecord(v, [
              'subscription_status',
              'braintree_customer_id',
              'zoho_customer_id',
              'zoho_subscription_id',
            ]),
          };
        });
        state.braintreeCustomerId = v['braintree_customer_id'];
        state.zohoCustomerId = v['zoho_customer_id'];
        state.zohoSubscriptionId = v['zoho_subscription_id'];
        return {
          detail: `Braintree customer ${v['braintree_customer_id']}, Zoho customer ${v['zoho_customer_id']}, Zoho subscription ${v['zoho_subscription_id']}`,
          lines: [`page: ${page.summary}`],
        };
      },
    },
    {
      title: 'Zoho raises the first invoice; the API charges the vaulted card once',
      waitsFor:
        'the invoice paid in Zoho, one approved Braintree sale for it, last_payment_status=paid in Attio',
      timeoutMs: 20_000,
      run: async (ctx) => {
        const { invoice, sale } = await paidEverywhere(
          ctx,
          (v) => paidIn(v),
          (all) => all[0],
        );
        state.lastPaid = invoice.number;
        state.firstInvoiceDate = invoice.invoice_date;
        return { detail: `${invoice.number} ${invoice.total.toFixed(2)} paid, Braintree sale ${sale.id}` };
      },
    },
    {
      title: "Zoho's clock moves 31 days: the subscription renews",
      waitsFor: 'the renewal invoice paid in Zoho, charged once in Braintree, and shown in Attio',
      timeoutMs: 20_000,
      run: async (ctx) => {
        await p().zoho.advanceClock(31);
        const { invoice, sale } = await paidEverywhere(
          ctx,
          (v) => paidIn(v) && v['last_invoice_number'] !== state.lastPaid,
          (all) => renewalsOf(all)[0],
        );
        return {
          detail: `${invoice.number} of ${invoice.invoice_date} ${invoice.total.toFixed(2)} paid, Braintree sale ${sale.id}`,
        };
      },
    },
    {
      title: 'The card on file starts declining (Braintree test card 4000 1111 1111 1115 made the default)',
      waitsFor: "the Braintree vault's default card to be the declining one",
      timeoutMs: 10_000,
      run: async (ctx) => {
        const { braintree } = p();
        const customerId = need(state.braintreeCustomerId, 'the Braintree customer');
        await braintree.addDefaultCard(customerId, DECLINING_NONCE);
        const card = await ctx.until(async () => {
          const card = await braintree.defaultCard(customerId);
          return {
            value: card?.last4 === '1115' && card,
            found: card ? `default card ${card.cardType} ending in ${card.last4}` : 'no default card',
          };
        });
        return {
          detail: `${card.cardType} ending in ${card.last4}, token ${card.token}, via the Braintree SDK`,
        };
      },
    },
    {
      title: "Zoho's clock moves 31 days again: the renewal charge is declined",
      waitsFor:
        'a declined sale, past_due/failed in Attio with an update_card link and a "Payment failed" note',
      timeoutMs: 20_000,
      run: async (ctx) => {
        const { zoho, braintree, attio } = p();
        const recordId = need(state.recordId, 'the record');
        await zoho.advanceClock(31);
        const zohoCustomerId = need(state.zohoCustomerId, 'the Zoho customer');
        const invoice = await ctx.until(async () => {
          const all = await zoho.invoicesOf(zohoCustomerId);
          const renewal = renewalsOf(all)[1];
          return { value: renewal, found: `Zoho: ${describeInvoices(all)}` };
        }, 1_000);
        state.declined = invoice;
        const { v, sales, note } = await ctx.until(async () => {
          const sales = await braintree.salesFor(invoice.invoice_id);
          const v = await attio.values(recordId);
          const note = (await attio.noteTitles(recordId)).find(
            (t) => t === `Payment failed ${invoice.number}`,
          );
          const link = v['checkout_link'];
          const ok =
            sales.some((s) => s.status === 'processor_declined') &&
            v['subscription_status'] === 'past_due' &&
            v['last_payment_status'] === 'failed' &&
            !!link &&
            linkMode(link) === 'update_card' &&
            !!note;
          return {
            value: ok && { v, sales, note },
            found: `Braintree: ${describeSales(sales)}; Attio: ${describeRecord(v, RECORD_SLUGS)}; note: ${note ?? '(none yet)'}`,
          };
        });
        state.link = v['checkout_link'];
        const declined = sales.find((s) => s.status === 'processor_declined');
        return {
          detail: `${invoice.number} ${invoice.total.toFixed(2)}: ${declined?.processorResponseCode} ${declined?.processorResponseText} (${declined?.processorResponseType}); note "${note}"`,
          lines: [`update_card link on the record (Attio would e-mail it): ${state.link}`],
        };
      },
    },
    {
      title: `Recovery retries on its schedule (shortened for the demo: ${settings.retrySchedule})`,
      waitsFor: 'the first scheduled retry, declined again by the same card',
      timeoutMs: 20_000,
      run: async (ctx) => {
        const { braintree } = p();
        const invoice = need(state.declined, 'the declined invoice');
        const sales = await ctx.until(async () => {
          const sales = await braintree.salesFor(invoice.invoice_id);
          const declined = sales.filter((s) => s.status === 'processor_declined');
          return { value: declined.length >= 2 && sales, found: `Braintree: ${describeSales(sales)}` };
        }, 300);
        return {
          detail: `${sales.length} declined attempts for ${invoice.number}; each retry first looks 10 s for an earlier charge`,
        };
      },
    },
    {
      title: `The customer opens the update_card link in Chromium and saves ${NEW_CARD}`,
      waitsFor:
        '"Your card is updated", then the open invoice charged at once: paid in Zoho, one approved sale, Attio active/paid',
      timeoutMs: 30_000,
      run: async (ctx) => {
        const invoice = need(state.declined, 'the declined invoice');
        const page = await payOnCheckoutPage(
          need(state.browser, 'Chromium'),
          need(state.link, 'the update_card link'),
          { number: NEW_CARD, name: 'Ada Lovelace', email: 'ada@acme-rockets.example' },
          20_000,
        );
        ctx.observe(`checkout page: "${page.heading}" ${page.summary}`);
        if (page.heading !== 'Your card is updated') {
          throw new ExpectationFailed(
            'the page to say "Your card is updated"',
            `"${page.heading}": ${page.summary}`,
          );
        }
        const { sale } = await paidEverywhere(
          ctx,
          (v) => paidIn(v, invoice.number),
          (all) => all.find((i) => i.invoice_id === invoice.invoice_id),
        );
        const v = await p().attio.values(need(state.recordId, 'the record'));
        if (v['checkout_link']) {
          throw new ExpectationFailed(
            'the used update_card link cleared from the record',
            describeRecord(v, RECORD_SLUGS),
          );
        }
        return {
          detail: `${invoice.number} paid by Braintree sale ${sale.id}; link cleared`,
          lines: [`page: ${page.summary}`],
        };
      },
    },
    {
      title: 'Reconciliation: do Zoho, Braintree and Attio agree?',
      waitsFor: 'GET /admin/reconciliation to find every invoice in order and no mismatch',
      timeoutMs: 20_000,
      run: async (ctx) => {
        const { zoho, admin } = p();
        const from = need(state.firstInvoiceDate, 'the first invoice date');
        const to = await zoho.today();
        const report = await ctx.until(async () => {
          const r = await admin.reconciliation(from, to);
          const found = `${r.invoices} invoices, ${r.unhealed} mismatches: ${countsLine(r)}${r.items.length ? `; ${r.items.map((i) => `${i.invoiceNumber ?? '-'} ${i.class}: ${i.detail}`).join('; ')}` : ''}`;
          return { value: r.invoices === 3 && r.unhealed === 0 && r, found };
        }, 1_000);
        state.reconciliation = report;
        return {
          detail: `${report.invoices} invoices from ${report.from} to ${report.to}, ${report.unhealed} mismatches`,
          lines: [countsLine(report)],
        };
      },
    },
  ];
}

export function countsLine(r: ReconciliationReport): string {
  return Object.entries(r.counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ');
}
