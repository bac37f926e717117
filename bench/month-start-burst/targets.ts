// Month-start burst bench targets, bundled by run.mjs (tools/build-node-app.mjs) and started one per child:
//   node tmp/bench-month-start-burst/targets.js emulators <apiUrl>   — the three emulators + commands below
//   node tmp/bench-month-start-burst/targets.js api <settings json>  — the real API
// The stack itself (processes, request counting, sessions) is shared with the checkout-completion bench:
// bench/checkout-completion/stack.ts.
import type { CallRecord } from '../checkout-completion/stack';
import {
  createSessions,
  recordValues,
  runTarget,
  serveCommands,
  startEmulators,
} from '../checkout-completion/stack';

const SUCCESSFUL_SALE = new Set([
  'authorized',
  'submitted_for_settlement',
  'settling',
  'settled',
  'settlement_pending',
]);

interface Burst {
  /** performance.now() just before the Zoho clock was advanced. */
  t0: number;
  invoiceIds: Set<string>;
  numbers: Map<string, string>;
  paid: number;
  paidAt?: number;
  notes: number;
  notedAt?: number;
  lastCallAt: number;
  ticker: NodeJS.Timeout;
}

function emulators(apiUrl: string): Promise<void> {
  return startEmulators(apiUrl).then((e) => {
    let burst: Burst | undefined;
    const zohoToday = () => e.zoho.server.clock.now().toISOString().slice(0, 10);

    /** Attio notes written during the burst (only the invoice payments write any) and the last call's time. */
    e.counter.listeners.push((call: CallRecord) => {
      if (process.env['BENCH_TRACE'] && call.kind.startsWith(process.env['BENCH_TRACE']))
        process.stderr.write(`[trace] ${call.at.toFixed(1)} ${call.kind} ${call.route} ${call.status}\n`);
      if (!burst) return;
      burst.lastCallAt = call.at;
      if (call.kind === 'attio.write' && call.route === 'POST /v2/notes' && call.status === 200) {
        burst.notes++;
        if (burst.notes >= burst.invoiceIds.size && burst.notedAt === undefined) burst.notedAt = call.at;
      }
    });
    const countPaid = (b: Burst) => {
      let paid = 0;
      for (const id of b.invoiceIds) if (e.zoho.state.invoices.get(id)?.status === 'paid') paid++;
      return paid;
    };

    serveCommands(
      { urls: e.urls },
      {
        'counts.reset': () => e.counter.reset(),
        'counts.get': () => e.counter.snapshot(),
        webhooks: ({ on }) => e.setWebhooks(Boolean(on)),
        limits: (l) =>
          e.setLimits(
            l as { attioReadsPerSecond: number; attioWritesPerSecond: number; zohoRequestsPerMinute: number },
          ),
        sessions: ({ n, plan, batch }) =>
          createSessions(e, Number(n), String(plan), Number(batch ?? 25), 'Burst'),
        /** Set-up progress: live subscriptions, their invoices, how many are paid. */
        'setup.state': () => {
          const invoices = [...e.zoho.state.invoices.values()];
          return {
            subscriptions: [...e.zoho.state.subscriptions.values()].filter((s) => s.status === 'live').length,
            invoices: invoices.length,
            paid: invoices.filter((i) => i.status === 'paid').length,
          };
        },
        /** Days to advance the Zoho clock so every live subscription renews once (all at the same moment). */
        'burst.days': () => {
          const next = [...e.zoho.state.subscriptions.values()]
            .filter((s) => s.status === 'live' && s.next_billing_at)
            .map((s) => s.next_billing_at)
            .sort();
          const today = zohoToday();
          const days = Math.round((Date.parse(next[next.length - 1]) - Date.parse(today)) / 86_400_000);
          return { today, earliest: next[0], latest: next[next.length - 1], days };
        },
        /** Resets the counters and advances the Zoho clock: Zoho raises the renewal invoices and sends webhooks. */
        'burst.start': async ({ days }) => {
          const before = new Set(e.zoho.state.invoices.keys());
          e.counter.reset();
          const t0 = performance.now();
          await e.zoho.server.clock.advance(Number(days) * 86_400_000);
          const raised = [...e.zoho.state.invoices.values()].filter((i) => !before.has(i.invoice_id));
          const b: Burst = {
            t0,
            invoiceIds: new Set(raised.map((i) => i.invoice_id)),
            numbers: new Map(raised.map((i) => [i.invoice_id, i.number])),
            paid: 0,
            notes: 0,
            lastCallAt: t0,
            // Every 10 ms: how many renewal invoices Zoho shows paid, and when the last one was.
            ticker: setInterval(() => {
              if (b.paidAt !== undefined) return;
              b.paid = countPaid(b);
              if (b.paid >= b.invoiceIds.size) b.paidAt = performance.now();
            }, 10),
          };
          burst = b;
          return {
            raised: raised.length,
            advanceMs: Number((performance.now() - t0).toFixed(1)),
            today: zohoToday(),
          };
        },
        'burst.progress': () => {
          if (!burst) throw new Error('no burst');
          const c = e.counter.snapshot();
          const t0 = burst.t0;
          const since = (at?: number) =>
            at === undefined ? undefined : Number(((at - t0) / 1000).toFixed(3));
          return {
            elapsedSeconds: since(performance.now()),
            raised: burst.invoiceIds.size,
            paid: burst.paidAt === undefined ? countPaid(burst) : burst.invoiceIds.size,
            notes: burst.notes,
            paidAtSeconds: since(burst.paidAt),
            notedAtSeconds: since(burst.notedAt),
            lastCallAtSeconds: since(burst.lastCallAt),
            calls: c.byKind,
            rateLimited: c.rateLimitedByKind,
          };
        },
        /**
         * Per renewal invoice: successful Braintree sales (orderId = invoice id), Zoho payments, status, and the
         * Attio record's last_invoice_number plus the "Paid <number>" note.
         */
        'burst.verify': () => {
          if (!burst) throw new Error('no burst');
          clearInterval(burst.ticker);
          const salesByInvoice = new Map<string, number>();
          const declinedByInvoice = new Map<string, number>();
          for (const t of e.braintree.state.transactions.values()) {
            if (t.type !== 'sale' || !t.orderId || !burst.invoiceIds.has(t.orderId)) continue;
            const map = SUCCESSFUL_SALE.has(t.status) ? salesByInvoice : declinedByInvoice;
            map.set(t.orderId, (map.get(t.orderId) ?? 0) + 1);
          }
          const paymentsByInvoice = new Map<string, number>();
          for (const p of e.zoho.state.payments.values()) {
            for (const applied of p.invoices) {
              if (burst.invoiceIds.has(applied.invoice_id))
                paymentsByInvoice.set(
                  applied.invoice_id,
                  (paymentsByInvoice.get(applied.invoice_id) ?? 0) + 1,
                );
            }
          }
          const recordByZohoCustomer = new Map<string, string>();
          for (const r of e.attio.state.records.values()) {
            const v = (() => {
              try {
                return recordValues(e, r.id.record_id);
              } catch {
                return {};
              }
            })();
            if (v['zoho_customer_id']) recordByZohoCustomer.set(v['zoho_customer_id'], r.id.record_id);
          }
          let duplicates = 0;
          let unpaid = 0;
          let noSale = 0;
          let paymentsNotOne = 0;
          let attioNotUpdated = 0;
          let notesMissing = 0;
          let notesDuplicated = 0;
          for (const id of burst.invoiceIds) {
            const inv = e.zoho.state.invoices.get(id);
            const sales = salesByInvoice.get(id) ?? 0;
            if (sales > 1) duplicates++;
            if (sales === 0) noSale++;
            if (inv?.status !== 'paid') unpaid++;
            if ((paymentsByInvoice.get(id) ?? 0) !== 1) paymentsNotOne++;
            const recordId = inv ? recordByZohoCustomer.get(inv.customer_id) : undefined;
            const number = burst.numbers.get(id);
            if (!recordId) {
              attioNotUpdated++;
              continue;
            }
            if (recordValues(e, recordId)['last_invoice_number'] !== number) attioNotUpdated++;
            const notes = e.attio.state
              .listNotes({ parent_object: 'companies', parent_record_id: recordId })
              .filter((n) => n.title === `Paid ${number}`).length;
            if (notes === 0) notesMissing++;
            if (notes > 1) notesDuplicated++;
          }
          return {
            invoices: burst.invoiceIds.size,
            duplicateChargedInvoices: duplicates,
            declinedSales: [...declinedByInvoice.values()].reduce((a, b) => a + b, 0),
            invoicesWithoutSale: noSale,
            unpaidInvoices: unpaid,
            invoicesWithoutExactlyOneZohoPayment: paymentsNotOne,
            recordsWithoutThisInvoice: attioNotUpdated,
            paidNotesMissing: notesMissing,
            paidNotesDuplicated: notesDuplicated,
          };
        },
      },
      () => e.close(),
    );
  });
}

runTarget(emulators);
