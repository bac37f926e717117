/* Small helpers the flow specs share: Attio records as a salesperson makes them, the checkout as a browser calls it. */
import { ATTIO_SANDBOX_TOKEN } from '@aia/sandbox-attio';
import { attioRecordValues } from '@aia/testing';
import type { FlowTarget as ApiStack } from './api-stack';
import { ADMIN_TOKEN, eventually } from './api-stack';

export interface AttioRecordView {
  id: { record_id: string };
  values: Record<string, Array<Record<string, unknown>>>;
}

let companies = 0;

/** A company created through Attio's API, as a salesperson's import would. */
export async function createCompany(stack: ApiStack, name = `Acme ${++companies}`): Promise<string> {
  const res = await fetch(`${stack.config.attio.apiUrl}/objects/companies/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ATTIO_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { values: { name } } }),
  });
  if (!res.ok) throw new Error(`create company: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: AttioRecordView }).data.id.record_id;
}

/** What a workspace member does in Attio's UI: the change fires webhooks like a real edit. */
export function userEdit(stack: ApiStack, recordId: string, values: Record<string, unknown>): void {
  stack.attio.userEdit('companies', recordId, values);
}

export function recordValues(stack: ApiStack, recordId: string): Record<string, string | undefined> {
  return attioRecordValues(stack.attio, recordId);
}

export function notesOf(stack: ApiStack, recordId: string): Array<{ title: string; content: string }> {
  return stack.attio.state
    .listNotes({ parent_object: 'companies', parent_record_id: recordId })
    .map((n) => ({ title: n.title, content: n.content_plaintext }));
}

/** Sets the trigger in Attio and waits for the checkout link the API writes back; returns the token. */
export async function requestCheckout(
  stack: ApiStack,
  recordId: string,
  plan = 'pro-monthly',
): Promise<string> {
  userEdit(stack, recordId, { subscription_plan: plan, subscription_status: 'send_checkout' });
  const link = await eventually('checkout link on the record', () => {
    const v = recordValues(stack, recordId);
    return v['subscription_status'] === 'checkout_sent' && v['checkout_link'];
  });
  return tokenOf(link);
}

export function tokenOf(link: string): string {
  const m = /\/c\/([^/?#]+)$/.exec(link);
  if (!m) throw new Error(`not a checkout link: ${link}`);
  return m[1];
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(
  stack: ApiStack,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer<T>> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** The browser side: the sandbox card fields tokenize a test card at the Braintree emulator. */
export async function tokenizeCard(stack: ApiStack, number = '4111111111111111'): Promise<string> {
  const res = await fetch(`${stack.config.braintree.gatewayUrl}/__sandbox/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, expirationDate: '12/2030', cvv: '123' }),
  });
  if (!res.ok) throw new Error(`tokenize: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { nonce: string }).nonce;
}

export const BILLING = { name: 'Ada Lovelace', email: 'ada@example.com', company: 'Acme' };

export function complete(stack: ApiStack, token: string, nonce: string, billing = BILLING) {
  return api(stack, 'POST', `/checkout/sessions/${token}/complete`, { nonce, billing });
}

/** A customer who completed the checkout (subscribed to `plan`); returns the record id and the Attio ids. */
export async function subscribedCustomer(
  stack: ApiStack,
  plan = 'pro-monthly',
  card = '4111111111111111',
): Promise<{
  recordId: string;
  zohoCustomerId: string;
  braintreeCustomerId: string;
  subscriptionId: string;
}> {
  const recordId = await createCompany(stack);
  const token = await requestCheckout(stack, recordId, plan);
  const done = await complete(stack, token, await tokenizeCard(stack, card), {
    ...BILLING,
    company: `Company ${recordId.slice(0, 8)}`,
  });
  if (done.status !== 200) throw new Error(`checkout failed: ${done.status} ${JSON.stringify(done.body)}`);
  const v = recordValues(stack, recordId);
  return {
    recordId,
    zohoCustomerId: v['zoho_customer_id'] as string,
    braintreeCustomerId: v['braintree_customer_id'] as string,
    subscriptionId: v['zoho_subscription_id'] as string,
  };
}

/** Zoho customers whose custom fields name the Attio record (how a completion links them). */
export function zohoCustomersOf(stack: ApiStack, recordId: string) {
  return [...stack.zoho.state.customers.values()].filter((c) =>
    (c.custom_fields ?? []).some((f) => f.value === recordId),
  );
}

export function invoicesOf(stack: ApiStack, zohoCustomerId: string) {
  return [...stack.zoho.state.invoices.values()].filter((i) => i.customer_id === zohoCustomerId);
}

export function salesFor(stack: ApiStack, invoiceId: string) {
  return [...stack.braintree.state.transactions.values()].filter(
    (t) => t.orderId === invoiceId && t.type === 'sale',
  );
}

export function successfulSalesFor(stack: ApiStack, invoiceId: string) {
  return salesFor(stack, invoiceId).filter((t) =>
    ['authorized', 'submitted_for_settlement', 'settling', 'settled', 'settlement_pending'].includes(
      t.status,
    ),
  );
}

export function zohoPaymentsFor(stack: ApiStack, invoiceId: string) {
  return [...stack.zoho.state.payments.values()].filter((p) =>
    p.invoices.some((i) => i.invoice_id === invoiceId),
  );
}

/** Waits until every invoice of the customer is paid; returns them. */
export async function paidInvoices(stack: ApiStack, zohoCustomerId: string, count: number) {
  try {
    return await eventually(`${count} paid invoice(s) of ${zohoCustomerId}`, () => {
      const all = invoicesOf(stack, zohoCustomerId);
      return all.length >= count && all.every((i) => i.status === 'paid') && all;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await pipelineDump(stack)}`);
  }
}

/**
 * Makes the customer's vaulted cards decline from now on with a Braintree processor response code (2001 soft
 * "Insufficient Funds", 2004 hard "Expired Card"), as a card that ran out of funds would. Test-only: edits
 * the emulator's state in-process (real Braintree declines by amount or by test card number).
 */
export function cardsStartDeclining(stack: ApiStack, braintreeCustomerId: string, code: string): void {
  for (const card of stack.braintree.state.cards.values()) {
    if (card.customerId === braintreeCustomerId)
      card.profile = { ...card.profile, outcome: { kind: 'decline', code } };
  }
}

export async function advanceZohoClock(stack: ApiStack, days: number): Promise<void> {
  const res = await fetch(`${stack.config.zoho.accountsUrl}/__sandbox/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ days }),
  });
  if (!res.ok) throw new Error(`clock advance: ${res.status}`);
}

export function declinedSalesFor(stack: ApiStack, invoiceId: string) {
  return salesFor(stack, invoiceId).filter((t) => t.status === 'processor_declined');
}

/** What the pipeline holds, for a failing test's message: every event not done, with its last error. */
export async function pipelineDump(stack: ApiStack): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/admin/events?limit=200`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { items } = (await res.json()) as {
    items: Array<{ platform: string; type: string; state: string; lastError?: string }>;
  };
  const deliveries = [
    ...stack.zoho.server.webhooks.list({}),
    ...stack.attio.server.webhooks.list({}),
    ...stack.braintree.server.webhooks.list({}),
  ].filter((d) => d.status !== 'delivered');
  return JSON.stringify(
    {
      events: items.filter((e) => e.state !== 'done' && e.state !== 'ignored'),
      undelivered: deliveries.map((d) => ({ event: d.event, status: d.status, attempts: d.attempts })),
    },
    null,
    1,
  );
}
