/*
 * The three platforms and the API as the demo reaches them: over HTTP only, as a salesperson, a customer's
 * bank or an operator would (the emulators' REST APIs, the Braintree SDK, the `/__sandbox` control routes
 * documented in docs/sandbox.md, and the API's admin routes).
 */
import * as braintree from 'braintree';
import { SANDBOX_DEFAULTS } from '@aia/platform';
import type { DemoUrls } from './stack';

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

// ---- Attio ----

interface AttioValue {
  active_until?: string | null;
  value?: unknown;
  option?: { title?: string };
  status?: { title?: string };
}

/** A record's current values by slug, as Attio's UI shows them (select options by title). */
export type RecordValues = Record<string, string | undefined>;

export function currentValues(values: Record<string, AttioValue[]>): RecordValues {
  const out: RecordValues = {};
  for (const [slug, list] of Object.entries(values)) {
    const v = list.find((x) => x.active_until === null || x.active_until === undefined);
    if (!v) continue;
    const shown = v.option?.title ?? v.status?.title ?? v.value;
    if (shown !== undefined && shown !== null) out[slug] = String(shown);
  }
  return out;
}

export class Attio {
  private readonly headers = {
    authorization: `Bearer ${SANDBOX_DEFAULTS.ATTIO_API_TOKEN}`,
    'content-type': 'application/json',
  };

  constructor(private readonly baseUrl: string) {}

  /** Control routes live at the emulator's origin, the REST API under /v2. */
  private get origin(): string {
    return this.baseUrl.replace(/\/v2$/, '');
  }

  async attributeExists(slug: string): Promise<boolean> {
    const res = await fetch(`${this.baseUrl}/objects/companies/attributes/${slug}`, {
      headers: this.headers,
    });
    return res.ok;
  }

  async selectOptions(slug: string): Promise<string[]> {
    const res = await fetch(`${this.baseUrl}/objects/companies/attributes/${slug}/options`, {
      headers: this.headers,
    });
    if (!res.ok) return [];
    return ((await res.json()) as { data: Array<{ title: string }> }).data.map((o) => o.title);
  }

  /** POST /v2/objects/companies/records, as an import or another integration creates a company. */
  async createCompany(name: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/objects/companies/records`, {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify({ data: { values: { name } } }),
    });
    return (await json<{ data: { id: { record_id: string } } }>(res, 'create company')).data.id.record_id;
  }

  /** A workspace member's edit in Attio's UI (control route): the webhooks fire with actor workspace-member. */
  async userEdit(recordId: string, values: Record<string, string>): Promise<void> {
    const res = await fetch(`${this.origin}/__sandbox/records/companies/${recordId}/values`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values }),
    });
    await json(res, 'edit the record as a workspace member');
  }

  async values(recordId: string): Promise<RecordValues> {
    const res = await fetch(`${this.baseUrl}/objects/companies/records/${recordId}`, {
      headers: this.headers,
    });
    const body = await json<{ data: { values: Record<string, AttioValue[]> } }>(res, 'read the record');
    return currentValues(body.data.values);
  }

  /** Titles of the notes on the record, newest last. */
  async noteTitles(recordId: string): Promise<string[]> {
    const res = await fetch(
      `${this.baseUrl}/notes?parent_object=companies&parent_record_id=${recordId}&limit=50`,
      { headers: this.headers },
    );
    const body = await json<{ data: Array<{ title: string; created_at: string }> }>(res, 'list notes');
    return body.data.sort((a, b) => a.created_at.localeCompare(b.created_at)).map((n) => n.title);
  }
}

// ---- Zoho Billing ----

export interface ZohoInvoice {
  invoice_id: string;
  number: string;
  status: string;
  total: number;
  balance: number;
  invoice_date: string;
  transaction_type?: string;
}

export class Zoho {
  private token: string | undefined;

  constructor(private readonly origin: string) {}

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const q = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: SANDBOX_DEFAULTS.ZOHO_CLIENT_ID,
      client_secret: SANDBOX_DEFAULTS.ZOHO_CLIENT_SECRET,
      refresh_token: SANDBOX_DEFAULTS.ZOHO_REFRESH_TOKEN,
    });
    const res = await fetch(`${this.origin}/oauth/v2/token?${q}`, { method: 'POST' });
    const body = await json<{ access_token?: string; error?: string }>(res, 'Zoho token');
    if (!body.access_token) throw new Error(`Zoho token: ${body.error ?? 'no access_token'}`);
    this.token = body.access_token;
    return this.token;
  }

  /** GET on Billing v1; a token expired by the clock is refreshed once, as any Zoho client must. */
  private async get<T>(path: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.origin}/billing/v1${path}`, {
        headers: {
          authorization: `Zoho-oauthtoken ${await this.accessToken()}`,
          'X-com-zoho-subscriptions-organizationid': SANDBOX_DEFAULTS.ZOHO_ORG_ID,
        },
      });
      if (res.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      return json<T>(res, `Zoho GET ${path}`);
    }
  }

  async invoicesOf(customerId: string): Promise<ZohoInvoice[]> {
    const body = await this.get<{ invoices: ZohoInvoice[] }>(`/invoices?customer_id=${customerId}`);
    return body.invoices.sort(
      (a, b) => a.invoice_date.localeCompare(b.invoice_date) || a.number.localeCompare(b.number),
    );
  }

  async subscription(
    id: string,
  ): Promise<{ status: string; plan: { plan_code: string }; next_billing_at: string }> {
    return (
      await this.get<{
        subscription: { status: string; plan: { plan_code: string }; next_billing_at: string };
      }>(`/subscriptions/${id}`)
    ).subscription;
  }

  /** The emulator's date (control route): Zoho's "today". */
  async today(): Promise<string> {
    const res = await fetch(`${this.origin}/__sandbox/clock`);
    const body = await json<{ now: string }>(res, 'Zoho clock');
    return body.now.slice(0, 10);
  }

  /** Moves Zoho's clock (control route): subscriptions due in the meantime renew and raise invoices. */
  async advanceClock(days: number): Promise<void> {
    const res = await fetch(`${this.origin}/__sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days }),
    });
    await json(res, 'advance the Zoho clock');
  }
}

// ---- Braintree ----

export interface Sale {
  id: string;
  status: string;
  amount: string;
  orderId: string | null;
  processorResponseCode: string;
  processorResponseText: string;
  processorResponseType: string;
}

export class Braintree {
  private readonly gateway: braintree.BraintreeGateway;

  constructor(private readonly url: string) {
    const u = new URL(url);
    // A custom environment pointing the official SDK at the emulator (plain HTTP for REST and GraphQL).
    const environment = new braintree.Environment(u.hostname, u.port, u.origin, false, u.hostname, u.port);
    this.gateway = new braintree.BraintreeGateway({
      environment,
      merchantId: SANDBOX_DEFAULTS.BRAINTREE_MERCHANT_ID,
      publicKey: SANDBOX_DEFAULTS.BRAINTREE_PUBLIC_KEY,
      privateKey: SANDBOX_DEFAULTS.BRAINTREE_PRIVATE_KEY,
    });
  }

  /** The customer's default card as the vault holds it. */
  async defaultCard(
    customerId: string,
  ): Promise<{ token: string; last4: string; cardType: string } | undefined> {
    const customer = await this.gateway.customer.find(customerId);
    const card = (customer.creditCards ?? []).find((c) => c.default);
    return card && { token: card.token, last4: card.last4, cardType: card.cardType };
  }

  /**
   * Vaults a card for the customer as the new default without verifying it (SDK paymentMethod.create with a
   * Braintree test nonce), as a card changed in the Control Panel would be.
   */
  async addDefaultCard(customerId: string, nonce: string): Promise<void> {
    const result = await this.gateway.paymentMethod.create({
      customerId,
      paymentMethodNonce: nonce,
      options: { makeDefault: true },
    });
    if (!result.success) throw new Error(`paymentMethod.create: ${result.message}`);
  }

  /** Every sale for an order id (control route: the stored truth, never lagged like search). */
  async salesFor(orderId: string): Promise<Sale[]> {
    const res = await fetch(`${this.url}/__sandbox/transactions?orderId=${encodeURIComponent(orderId)}`);
    return (
      await json<{ transactions: Array<Sale & { type: string }> }>(res, 'Braintree transactions')
    ).transactions.filter((t) => t.type === 'sale');
  }
}

export const isApproved = (s: Sale) =>
  ['authorized', 'submitted_for_settlement', 'settling', 'settled'].includes(s.status);

// ---- the API's admin routes ----

export interface ReconciliationReport {
  from: string;
  to: string;
  invoices: number;
  counts: Record<string, number>;
  items: Array<{ class: string; invoiceNumber?: string; detail: string }>;
  unhealed: number;
}

export class Admin {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  async reconciliation(from: string, to: string): Promise<ReconciliationReport> {
    const res = await fetch(`${this.apiUrl}/admin/reconciliation?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return json<ReconciliationReport>(res, 'GET /admin/reconciliation');
  }
}

export function platformClients(urls: DemoUrls, adminToken: string) {
  return {
    attio: new Attio(urls.attio),
    zoho: new Zoho(urls.zoho),
    braintree: new Braintree(urls.braintree),
    admin: new Admin(urls.api, adminToken),
  };
}
export type Platforms = ReturnType<typeof platformClients>;
