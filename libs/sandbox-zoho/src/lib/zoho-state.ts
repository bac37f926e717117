/**
 * The emulator's records, stored in Zoho's own field names so answers are a projection, not a translation.
 * Indexes keep every lookup the API offers O(1) (by id, by customer, by subscription, by e-mail, by reference).
 */

export interface ZohoCustomField {
  label: string;
  value: string;
  index?: number;
  data_type?: string;
  api_name?: string;
}

export interface ZohoAddress {
  attention?: string;
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  fax?: string;
}

export interface ZohoProduct {
  product_id: string;
  name: string;
  description: string;
  email_ids: string;
  redirect_url: string;
  status: 'active' | 'inactive';
  created_time: string;
  updated_time: string;
}

export interface ZohoPlan {
  plan_code: string;
  name: string;
  description: string;
  status: 'active' | 'inactive';
  product_id: string;
  recurring_price: number;
  unit: string;
  interval: number;
  interval_unit: 'months' | 'years' | 'weeks' | 'days';
  /** -1 = until cancelled (Zoho's convention). */
  billing_cycles: number;
  trial_period: number;
  setup_fee: number;
  currency_code: string;
  created_time: string;
  updated_time: string;
}

export interface ZohoCustomer {
  customer_id: string;
  display_name: string;
  salutation: string;
  first_name: string;
  last_name: string;
  email: string;
  company_name: string;
  phone: string;
  mobile: string;
  website: string;
  department: string;
  designation: string;
  billing_address: ZohoAddress;
  shipping_address: ZohoAddress;
  currency_code: string;
  currency_id: string;
  payment_terms: number;
  payment_terms_label: string;
  status: 'active' | 'inactive';
  is_portal_enabled: boolean;
  custom_fields: ZohoCustomField[];
  zcrm_account_id: string;
  zcrm_contact_id: string;
  notes: string;
  source: string;
  created_time: string;
  updated_time: string;
}

export type ZohoSubscriptionStatus =
  'live' | 'trial' | 'future' | 'non_renewing' | 'cancelled' | 'expired' | 'unpaid' | 'dunning';

/** A plan change sent with `end_of_term: true`, applied when the current term ends (zoho-plan-change.ts). */
export interface ZohoScheduledChange {
  plan_code: string;
  quantity: number;
  price: number;
}

export interface ZohoSubscription {
  subscription_id: string;
  customer_id: string;
  plan_code: string;
  quantity: number;
  price: number;
  status: ZohoSubscriptionStatus;
  auto_collect: boolean;
  card_id: string;
  reference_id: string;
  custom_fields: ZohoCustomField[];
  payment_terms: number;
  payment_terms_label: string;
  currency_code: string;
  starts_at: string;
  trial_ends_at: string;
  activated_at: string;
  current_term_starts_at: string;
  current_term_ends_at: string;
  last_billing_at: string;
  next_billing_at: string;
  expires_at: string;
  cancelled_at: string;
  /** Billing cycles charged so far (renewals stop when it reaches the plan's billing_cycles). */
  cycles_billed: number;
  billing_cycles: number;
  end_of_term: boolean;
  /** Absent in snapshots written before plan changes were emulated. */
  scheduled_change?: ZohoScheduledChange | null;
  child_invoice_id: string;
  created_at: string;
  created_time: string;
  updated_time: string;
}

export type ZohoInvoiceTransactionType = 'new' | 'renewal' | 'manual' | 'upgrade';

export type ZohoInvoiceStatus = 'sent' | 'overdue' | 'partially_paid' | 'paid' | 'void';

export interface ZohoInvoiceItem {
  item_id: string;
  product_id: string;
  code: string;
  name: string;
  description: string;
  price: number;
  quantity: number;
  item_total: number;
}

export interface ZohoInvoicePaymentRef {
  payment_id: string;
  invoice_payment_id: string;
  payment_mode: string;
  reference_number: string;
  description: string;
  date: string;
  amount: number;
  amount_refunded: number;
  bank_charges: number;
  exchange_rate: number;
  gateway_transaction_id: string;
}

export interface ZohoInvoice {
  invoice_id: string;
  number: string;
  status: ZohoInvoiceStatus;
  invoice_date: string;
  due_date: string;
  payment_terms: number;
  payment_terms_label: string;
  customer_id: string;
  subscription_id: string;
  transaction_type: ZohoInvoiceTransactionType;
  invoice_items: ZohoInvoiceItem[];
  reference_number: string;
  total: number;
  payment_made: number;
  balance: number;
  /** Credit for the unused part of the previous plan on a prorated upgrade invoice (absent in older snapshots). */
  credits_applied?: number;
  currency_code: string;
  custom_fields: ZohoCustomField[];
  payments: ZohoInvoicePaymentRef[];
  last_payment_date: string;
  created_time: string;
  updated_time: string;
}

export type ZohoPaymentMode =
  'check' | 'cash' | 'creditcard' | 'banktransfer' | 'bankremittance' | 'autotransaction' | 'others';

export interface ZohoPayment {
  payment_id: string;
  customer_id: string;
  payment_mode: ZohoPaymentMode;
  amount: number;
  amount_refunded: number;
  bank_charges: number;
  exchange_rate: number;
  date: string;
  status: 'success' | 'failure';
  reference_number: string;
  description: string;
  currency_code: string;
  invoices: Array<{ invoice_id: string; amount_applied: number; invoice_payment_id: string }>;
  custom_fields: ZohoCustomField[];
  created_time: string;
  updated_time: string;
}

export interface ZohoEvent {
  event_id: string;
  event_type: string;
  event_time: string;
  /** Zoho's events API returns the payload as a JSON string (events.yml `payload: type string`). */
  payload: string;
}

export interface ZohoAccessToken {
  token: string;
  expiresAtMs: number;
}

export interface ZohoSnapshot {
  nextId: number;
  nextInvoiceNumber: number;
  products: ZohoProduct[];
  plans: ZohoPlan[];
  customers: ZohoCustomer[];
  subscriptions: ZohoSubscription[];
  invoices: ZohoInvoice[];
  payments: ZohoPayment[];
  events: ZohoEvent[];
  clockOffsetMs: number;
}

const EVENT_HISTORY = 1000;

function addToIndex<K>(index: Map<K, Set<string>>, key: K, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}

export class ZohoState {
  nextId = 460_000_000_001_000;
  nextInvoiceNumber = 1;
  readonly products = new Map<string, ZohoProduct>();
  readonly plans = new Map<string, ZohoPlan>();
  readonly customers = new Map<string, ZohoCustomer>();
  readonly subscriptions = new Map<string, ZohoSubscription>();
  readonly invoices = new Map<string, ZohoInvoice>();
  readonly payments = new Map<string, ZohoPayment>();
  readonly events: ZohoEvent[] = [];
  readonly tokens = new Map<string, ZohoAccessToken>();

  readonly subscriptionsByCustomer = new Map<string, Set<string>>();
  readonly invoicesByCustomer = new Map<string, Set<string>>();
  readonly invoicesBySubscription = new Map<string, Set<string>>();
  readonly paymentsByCustomer = new Map<string, Set<string>>();
  readonly paymentsByInvoice = new Map<string, Set<string>>();
  readonly customersByEmail = new Map<string, Set<string>>();
  readonly customersByName = new Map<string, string>();

  newId(): string {
    return String(this.nextId++);
  }

  newInvoiceNumber(): string {
    return `INV-${String(this.nextInvoiceNumber++).padStart(6, '0')}`;
  }

  addCustomer(c: ZohoCustomer): void {
    this.customers.set(c.customer_id, c);
    addToIndex(this.customersByEmail, c.email.toLowerCase(), c.customer_id);
    this.customersByName.set(c.display_name.toLowerCase(), c.customer_id);
  }

  /** Keeps the e-mail and display-name indexes right after a customer update. */
  reindexCustomer(c: ZohoCustomer, previous: { email: string; display_name: string }): void {
    this.customersByEmail.get(previous.email.toLowerCase())?.delete(c.customer_id);
    if (this.customersByName.get(previous.display_name.toLowerCase()) === c.customer_id) {
      this.customersByName.delete(previous.display_name.toLowerCase());
    }
    addToIndex(this.customersByEmail, c.email.toLowerCase(), c.customer_id);
    this.customersByName.set(c.display_name.toLowerCase(), c.customer_id);
  }

  addSubscription(s: ZohoSubscription): void {
    this.subscriptions.set(s.subscription_id, s);
    addToIndex(this.subscriptionsByCustomer, s.customer_id, s.subscription_id);
  }

  addInvoice(i: ZohoInvoice): void {
    this.invoices.set(i.invoice_id, i);
    addToIndex(this.invoicesByCustomer, i.customer_id, i.invoice_id);
    if (i.subscription_id) addToIndex(this.invoicesBySubscription, i.subscription_id, i.invoice_id);
  }

  addPayment(p: ZohoPayment): void {
    this.payments.set(p.payment_id, p);
    addToIndex(this.paymentsByCustomer, p.customer_id, p.payment_id);
    for (const inv of p.invoices) addToIndex(this.paymentsByInvoice, inv.invoice_id, p.payment_id);
  }

  removePayment(p: ZohoPayment): void {
    this.payments.delete(p.payment_id);
    this.paymentsByCustomer.get(p.customer_id)?.delete(p.payment_id);
    for (const inv of p.invoices) this.paymentsByInvoice.get(inv.invoice_id)?.delete(p.payment_id);
  }

  addEvent(e: ZohoEvent): void {
    this.events.push(e);
    if (this.events.length > EVENT_HISTORY) this.events.shift();
  }

  /** Clears billing data. Access tokens survive: a reset must not log every client out. */
  clear(): void {
    this.nextId = 460_000_000_001_000;
    this.nextInvoiceNumber = 1;
    for (const m of [
      this.products,
      this.plans,
      this.customers,
      this.subscriptions,
      this.invoices,
      this.payments,
      this.subscriptionsByCustomer,
      this.invoicesByCustomer,
      this.invoicesBySubscription,
      this.paymentsByCustomer,
      this.paymentsByInvoice,
      this.customersByEmail,
      this.customersByName,
    ] as Array<Map<unknown, unknown>>) {
      m.clear();
    }
    this.events.length = 0;
  }

  snapshot(clockOffsetMs: number): ZohoSnapshot {
    return {
      nextId: this.nextId,
      nextInvoiceNumber: this.nextInvoiceNumber,
      products: [...this.products.values()],
      plans: [...this.plans.values()],
      customers: [...this.customers.values()],
      subscriptions: [...this.subscriptions.values()],
      invoices: [...this.invoices.values()],
      payments: [...this.payments.values()],
      events: [...this.events],
      clockOffsetMs,
    };
  }

  restore(s: ZohoSnapshot): void {
    this.clear();
    this.nextId = s.nextId;
    this.nextInvoiceNumber = s.nextInvoiceNumber;
    for (const p of s.products) this.products.set(p.product_id, p);
    for (const p of s.plans) this.plans.set(p.plan_code, p);
    for (const c of s.customers) this.addCustomer(c);
    for (const x of s.subscriptions) this.addSubscription(x);
    for (const i of s.invoices) this.addInvoice(i);
    for (const p of s.payments) this.addPayment(p);
    for (const e of s.events) this.events.push(e);
  }
}
