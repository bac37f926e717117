import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { customerInput, expectSpecValid, startHarness } from '../testing/zoho-emulator.fixtures';
import { DEFAULT_ZOHO_SPECS_DIR } from './zoho-openapi.validator';

type Schema = {
  $ref?: string;
  required?: string[];
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
};
type Doc = {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, unknown>>;
};
const docs = new Map<string, Doc>();
const doc = (file: string): Doc => {
  let d = docs.get(file);
  if (!d) docs.set(file, (d = parse(readFileSync(join(DEFAULT_ZOHO_SPECS_DIR, file), 'utf8')) as Doc));
  return d;
};
/** Follows `$ref`s within one file so nested schemas can be inspected. */
const deref = (file: string, s: Schema | undefined): Schema | undefined => {
  let out = s;
  while (out?.$ref) out = doc(file).components.schemas[out.$ref.split('/').pop() as string];
  return out;
};
const schemas = (file: string) => doc(file).components.schemas;
/** Walks property names (and `[]` for array items) from a named schema. */
const at = (file: string, name: string, ...path: string[]): Schema | undefined =>
  path.reduce<Schema | undefined>(
    (s, key) => deref(file, key === '[]' ? deref(file, s)?.items : deref(file, s)?.properties?.[key]),
    deref(file, schemas(file)[name]),
  );

/**
 * Places where Zoho's OpenAPI files and Zoho's public documentation disagree. Each test pins what the spec
 * says (so a new spec version shows up here) and what the emulator does about it.
 */
describe('Zoho OpenAPI files vs public docs: known disagreements', () => {
  it('create-a-subscription-request requires both customer and customer_id, and card_id/account_id always; docs: one of customer/customer_id, card only for auto_collect', async () => {
    expect(schemas('subscription.yml')['create-a-subscription-request'].required).toEqual(
      expect.arrayContaining(['customer', 'customer_id', 'card_id', 'account_id', 'plan']),
    );
    // The emulator follows the docs (https://www.zoho.com/billing/api/v1/subscription/#create-a-subscription).
    const h = startHarness();
    const c = (await h.api('POST', '/customers', { body: customerInput() })).body['customer'] as {
      customer_id: string;
    };
    const res = await h.api('POST', '/subscriptions', {
      body: { customer_id: c.customer_id, plan: { plan_code: 'basic-monthly' }, auto_collect: false },
    });
    expect(res.status).toBe(201);
    await h.emulator.close();
  });

  it('create-a-customer-request requires tax_authority_id/name; the emulator requires only display_name and email (US sales-tax orgs only, UNCONFIRMED)', () => {
    expect(schemas('customers.yml')['create-a-customer-request'].required).toEqual([
      'display_name',
      'email',
      'tax_authority_id',
      'tax_authority_name',
    ]);
  });

  it('the invoice number is `number` in retrieve/list-all schemas but `invoice_number` in create/list-invoices: the emulator sends both', async () => {
    expect(at('invoices.yml', 'retrieve-an-invoice-response', 'invoice', 'number')).toBeDefined();
    expect(at('invoices.yml', 'retrieve-an-invoice-response', 'invoice', 'invoice_number')).toBeUndefined();
    expect(at('invoices.yml', 'create-an-invoice-response', 'invoice', 'invoice_number')).toBeDefined();
    const h = startHarness();
    const c = (await h.api('POST', '/customers', { body: customerInput() })).body['customer'] as {
      customer_id: string;
    };
    const inv = await h.api('POST', '/invoices', {
      body: { customer_id: c.customer_id, invoice_items: [{ product_id: '1', rate: 10, quantity: 1 }] },
    });
    expectSpecValid('POST', '/invoices', inv);
    expect(inv.body['invoice']).toMatchObject({ number: 'INV-000001', invoice_number: 'INV-000001' });
    await h.emulator.close();
  });

  it('invoice line `price` is a string and `item_total` an integer in invoices.yml; docs show numbers. The emulator follows the spec for price; item_total stays a number (validates while amounts are whole, so prorated upgrade invoices do not: zoho-subscription-changes.spec.ts)', () => {
    expect(
      at('invoices.yml', 'retrieve-an-invoice-response', 'invoice', 'invoice_items', '[]', 'price')?.type,
    ).toBe('string');
    expect(
      at('invoices.yml', 'retrieve-an-invoice-response', 'invoice', 'invoice_items', '[]', 'item_total')
        ?.type,
    ).toBe('integer');
  });

  it('update-a-subscription-request requires customer_id, card_id, account_id and plan.tax_id like create; the emulator needs plan.plan_code only', async () => {
    const request = schemas('subscription.yml')['update-a-subscription-request'];
    expect(request.required).toEqual(
      expect.arrayContaining(['customer_id', 'card_id', 'account_id', 'plan']),
    );
    expect(deref('subscription.yml', request.properties?.['plan'])?.required).toEqual([
      'plan_code',
      'tax_id',
    ]);
    const h = startHarness();
    const c = (await h.api('POST', '/customers', { body: customerInput() })).body['customer'] as {
      customer_id: string;
    };
    const sub = (
      await h.api('POST', '/subscriptions', {
        body: { customer_id: c.customer_id, plan: { plan_code: 'basic-monthly' }, auto_collect: false },
      })
    ).body['subscription'] as { subscription_id: string };
    const res = await h.api('PUT', `/subscriptions/${sub.subscription_id}`, {
      body: { plan: { plan_code: 'pro-monthly' } },
    });
    expect(res.status).toBe(200);
    expectSpecValid('PUT', `/subscriptions/${sub.subscription_id}`, res);
    await h.emulator.close();
  });

  it('a scheduled (end_of_term) change is not part of retrieve-a-subscription-response; only "View Scheduled Changes" shows it', () => {
    const retrieve = at('subscription.yml', 'retrieve-a-subscription-response', 'subscription');
    expect(Object.keys(retrieve?.properties ?? {}).filter((k) => /schedul/.test(k))).toEqual([]);
    expect(
      doc('subscription.yml').paths['/subscriptions/{subscription_id}/scheduledchanges']['get'],
    ).toBeDefined();
  });

  it('reactivate: subscription.yml allows non-renewing subscriptions only, events.yml raises subscription_reactivated "from the cancelled state": the emulator accepts both unless reactivateCancelled is false', () => {
    const op = doc('subscription.yml').paths['/subscriptions/{subscription_id}/reactivate']['post'] as {
      description: string;
    };
    expect(op.description).toContain(
      'only if the `status` of the subscription is <strong>non-renewing</strong>',
    );
    expect(
      (schemas('events.yml')['subscription_reactivated'] as Schema & { description: string }).description,
    ).toBe('Triggered when a subscription is reactivated from the cancelled state.');
  });

  it('update-a-customer-request requires display_name, email and tax_authority_id/name like create; the emulator requires display_name and email', () => {
    expect(schemas('customers.yml')['update-a-customer-request'].required).toEqual([
      'display_name',
      'email',
      'tax_authority_id',
      'tax_authority_name',
    ]);
  });

  it('page_context is declared as an array of strings (invoices.yml component) and list responses do not declare it; docs show an object. The emulator sends the documented object', () => {
    expect(schemas('invoices.yml')['page_context'].type).toBe('array');
    expect(at('customers.yml', 'list-all-customers-response', 'page_context')).toBeUndefined();
  });

  it('payments.yml has no list operation; the emulator serves GET /payments like Zoho\'s "List all payments" docs, items checked against payment-response', () => {
    expect(doc('payments.yml').paths['/payments']['get']).toBeUndefined();
  });

  it('subscription `interval` is a string in subscription.yml but an integer in plans.yml: the emulator follows each file', () => {
    expect(at('subscription.yml', 'retrieve-a-subscription-response', 'subscription', 'interval')?.type).toBe(
      'string',
    );
    expect(at('plans.yml', 'retrieve-a-plan-response', 'plan', 'interval')?.type).toBe('integer');
  });
});
