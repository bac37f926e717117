/**
 * Zoho Billing resources as the API returns them (field names from specs/zoho-billing/*.yml). Only the
 * fields the integration reads are typed; Zoho sends many more.
 */

export interface ZohoCustomField {
  label: string;
  value: string;
  index?: number;
  data_type?: string;
}

export interface ZohoPageContext {
  page: number;
  per_page: number;
  has_more_page: boolean;
}

export interface ZohoPlan {
  plan_code: string;
  name: string;
  description?: string;
  status: string;
  product_id: string;
  recurring_price: number;
  interval: number;
  interval_unit: string;
  billing_cycles?: number;
  trial_period?: number;
}

export interface ZohoCustomer {
  customer_id: string;
  display_name: string;
  email: string;
  company_name?: string;
  first_name?: string;
  last_name?: string;
  status?: string;
  currency_code?: string;
  /** Present on the single-customer answers, not on list items. */
  custom_fields?: ZohoCustomField[];
  zcrm_account_id?: string;
  zcrm_contact_id?: string;
  created_time?: string;
}

export type ZohoSubscriptionStatus =
  | 'live'
  | 'trial'
  | 'dunning'
  | 'unpaid'
  | 'non_renewing'
  | 'cancelled'
  | 'creation_failed'
  | 'cancelled_from_dunning'
  | 'expired'
  | 'trial_expired'
  | 'future';

export interface ZohoSubscription {
  subscription_id: string;
  status: ZohoSubscriptionStatus;
  amount: number;
  currency_code: string;
  reference_id?: string;
  auto_collect?: boolean;
  current_term_starts_at?: string;
  current_term_ends_at?: string;
  next_billing_at?: string;
  last_billing_at?: string;
  expires_at?: string;
  /** The invoice of the latest charge: after a prorated upgrade, that upgrade's invoice. */
  child_invoice_id?: string;
  /** true while a cancellation at the end of the term is pending (`non_renewing`). */
  end_of_term?: boolean;
  customer_id?: string;
  customer?: { customer_id: string; display_name?: string; email?: string };
  plan?: { plan_code: string; name?: string; quantity?: number; price?: number };
  plan_code?: string;
  plan_name?: string;
  custom_fields?: ZohoCustomField[];
}

export type ZohoInvoiceStatus = 'sent' | 'overdue' | 'partially_paid' | 'paid' | 'void' | 'draft' | 'pending';

export interface ZohoInvoicePayment {
  payment_id: string;
  reference_number?: string;
  amount: number;
  date?: string;
  payment_mode?: string;
  description?: string;
}

export interface ZohoInvoice {
  invoice_id: string;
  /** `number` in the retrieve schema, `invoice_number` in create/list-invoices (both are read). */
  number?: string;
  invoice_number?: string;
  status: ZohoInvoiceStatus;
  invoice_date?: string;
  due_date?: string;
  customer_id: string;
  total: number;
  /** What is still owed: `total` less payments and applied credits (e.g. the unused old plan on an upgrade). */
  balance: number;
  payment_made?: number;
  credits_applied?: number;
  /** `new`, `renewal`, … (subscription invoices); the value Zoho uses for a prorated upgrade is UNCONFIRMED. */
  transaction_type?: string;
  currency_code: string;
  /** Present on the single-invoice answer. */
  payments?: ZohoInvoicePayment[];
  subscriptions?: Array<{ subscription_id: string }>;
}

export type ZohoPaymentMode =
  'check' | 'cash' | 'creditcard' | 'banktransfer' | 'bankremittance' | 'autotransaction' | 'others';

export interface ZohoPayment {
  payment_id: string;
  payment_mode: ZohoPaymentMode;
  amount: number;
  amount_refunded?: number;
  date: string;
  status?: string;
  reference_number?: string;
  description?: string;
  customer_id: string;
  currency_code?: string;
  invoices?: Array<{ invoice_id: string; amount_applied: number; invoice_number?: string }>;
}

/** `filter_by=Status.*` values of `GET /invoices` (invoices.yml). */
export type ZohoInvoiceFilter =
  'All' | 'Sent' | 'Draft' | 'OverDue' | 'Paid' | 'PartiallyPaid' | 'Void' | 'Unpaid';

/** `filter_by=SubscriptionStatus.*` values of `GET /subscriptions` (subscription.yml). */
export type ZohoSubscriptionFilter =
  | 'All'
  | 'ACTIVE'
  | 'LIVE'
  | 'FUTURE'
  | 'TRIAL'
  | 'PAST_DUE'
  | 'UNPAID'
  | 'NON_RENEWING'
  | 'CANCELLED'
  | 'EXPIRED';
