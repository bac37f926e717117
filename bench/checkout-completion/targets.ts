// Checkout-completion bench targets, bundled by run.mjs (tools/build-node-app.mjs) and started one per child:
//   node tmp/bench-checkout-completion/targets.js emulators <apiUrl>   — the three emulators + commands below
//   node tmp/bench-checkout-completion/targets.js api <settings json>  — the real API (stack.ts startApi)
import type { Emulators } from './stack';
import {
  createCompany,
  createSessions,
  recordValues,
  runTarget,
  serveCommands,
  startEmulators,
} from './stack';

async function emulators(apiUrl: string): Promise<void> {
  const e = await startEmulators(apiUrl);
  serveCommands(
    { urls: e.urls },
    {
      'counts.reset': () => e.counter.reset(),
      'counts.get': () => e.counter.snapshot(),
      webhooks: ({ on }) => e.setWebhooks(Boolean(on)),
      sessions: ({ n, plan, batch }) =>
        createSessions(e, Number(n), String(plan ?? 'pro-monthly'), Number(batch ?? 25), 'Checkout'),
      /** Plain company records for the baseline (no session: the baseline never reads the record). */
      records: ({ n }) =>
        Array.from({ length: Number(n) }, (_, i) => {
          const name = `Baseline ${Date.now().toString(36)} ${i + 1}`;
          return { recordId: createCompany(e, name), name };
        }),
      zohoCustomers: () => e.zoho.state.customers.size,
      /** Customers the Zoho organisation already has (other companies, each with its own e-mail). */
      seedZohoCustomers: ({ n }) => {
        for (let i = 0; i < Number(n); i++) {
          e.zoho.billing.createCustomer({
            display_name: `Existing customer ${i + 1}`,
            email: `existing${i + 1}@example.org`,
            company_name: `Existing customer ${i + 1}`,
          });
        }
        return e.zoho.state.customers.size;
      },
      verify: ({ ours, baseline }) => ({
        ours: verify(e, ours as string[], 'Subscription started'),
        baseline: verify(e, baseline as string[], 'Subscription started'),
      }),
    },
    () => e.close(),
  );
}

/**
 * What each completed checkout must have left: one Braintree customer with one vaulted card, one Zoho customer
 * (found by the Attio record id) with one live subscription, the ids and `active` on the Attio record, one note.
 */
function verify(e: Emulators, recordIds: string[], noteTitle: string) {
  const problems: string[] = [];
  for (const recordId of recordIds) {
    const v = recordValues(e, recordId);
    const zohoCustomers = [...e.zoho.state.customers.values()].filter((c) =>
      (c.custom_fields ?? []).some((f) => f.value === recordId),
    );
    const zohoId = v['zoho_customer_id'];
    const subs = zohoId
      ? [...e.zoho.state.subscriptions.values()].filter((s) => s.customer_id === zohoId)
      : [];
    const btId = v['braintree_customer_id'];
    const cards = btId ? [...e.braintree.state.cards.values()].filter((c) => c.customerId === btId) : [];
    const notes = e.attio.state
      .listNotes({ parent_object: 'companies', parent_record_id: recordId })
      .filter((n) => n.title === noteTitle);
    const wrong = [
      v['subscription_status'] !== 'active' && `status ${v['subscription_status']}`,
      zohoCustomers.length !== 1 && `${zohoCustomers.length} Zoho customers`,
      zohoCustomers[0] && zohoCustomers[0].customer_id !== zohoId && 'Zoho id on the record differs',
      subs.length !== 1 && `${subs.length} subscriptions`,
      subs[0] && v['zoho_subscription_id'] !== subs[0].subscription_id && 'subscription id differs',
      !(btId && e.braintree.state.customers.get(btId)) && 'no Braintree customer',
      cards.length !== 1 && `${cards.length} cards`,
      notes.length !== 1 && `${notes.length} notes`,
    ].filter(Boolean);
    if (wrong.length) problems.push(`${recordId}: ${wrong.join(', ')}`);
  }
  return {
    checked: recordIds.length,
    ok: recordIds.length - problems.length,
    problems: problems.slice(0, 20),
  };
}

runTarget(emulators);
