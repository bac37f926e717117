import { CURRENCY_SYMBOLS } from './zoho-format';
import type {
  ZohoCustomer,
  ZohoInvoice,
  ZohoPayment,
  ZohoPlan,
  ZohoProduct,
  ZohoState,
  ZohoSubscription,
} from './zoho-state';

/**
 * Projections of stored records into the shapes of the OpenAPI response schemas (specs/zoho-billing/*.yml).
 * Where the spec's type and Zoho's public examples disagree the spec wins, because the proof of fidelity is
 * validation against those files (e.g. invoice line `price` is a string, subscription `interval` a string).
 */

const symbol = (code: string) => CURRENCY_SYMBOLS[code] ?? code;

export function productView(p: ZohoProduct): Record<string, unknown> {
  return { ...p };
}

export function planView(p: ZohoPlan): Record<string, unknown> {
  return {
    plan_code: p.plan_code,
    name: p.name,
    description: p.description,
    store_markup_description: '',
    status: p.status,
    product_id: p.product_id,
    recurring_price: p.recurring_price,
    unit: p.unit,
    interval: p.interval,
    interval_unit: p.interval_unit,
    billing_cycles: p.billing_cycles,
    trial_period: p.trial_period,
    setup_fee: p.setup_fee,
    tags: [],
    custom_fields: [],
    addons: [],
    product_type: 'service',
    // Not in the plan schema; Zoho plans take the organization's currency. Kept for clients' convenience.
    currency_code: p.currency_code,
    created_time: p.created_time,
    updated_time: p.updated_time,
  };
}

export function customerView(c: ZohoCustomer, state: ZohoState): Record<string, unknown> {
  const outstanding = [...(state.invoicesByCustomer.get(c.customer_id) ?? [])]
    .map((id) => state.invoices.get(id))
    .reduce((sum, inv) => sum + (inv && inv.status !== 'void' ? inv.balance : 0), 0);
  return {
    customer_id: c.customer_id,
    display_name: c.display_name,
    salutation: c.salutation,
    first_name: c.first_name,
    last_name: c.last_name,
    email: c.email,
    tags: [],
    company_name: c.company_name,
    phone: c.phone,
    mobile: c.mobile,
    website: c.website,
    is_portal_enabled: c.is_portal_enabled,
    department: c.department,
    designation: c.designation,
    billing_address: c.billing_address,
    shipping_address: c.shipping_address,
    currency_code: c.currency_code,
    currency_id: c.currency_id,
    ach_supported: false,
    notes: c.notes,
    price_precision: 2,
    unused_credits: 0,
    outstanding: Math.round(outstanding * 100) / 100,
    status: c.status,
    custom_fields: c.custom_fields,
    zcrm_account_id: c.zcrm_account_id,
    zcrm_contact_id: c.zcrm_contact_id,
    is_gapps_customer: false,
    source: c.source,
    payment_terms: c.payment_terms,
    payment_terms_label: c.payment_terms_label,
    is_linked_with_zohocrm: Boolean(c.zcrm_account_id || c.zcrm_contact_id),
    can_add_card: true,
    can_add_bank_account: true,
    documents: [],
    created_time: c.created_time,
    updated_time: c.updated_time,
  };
}

/** The list schema carries fewer fields than the single-customer one (no custom fields, no addresses). */
export function customerListItem(c: ZohoCustomer, state: ZohoState): Record<string, unknown> {
  const full = customerView(c, state);
  const keys = [
    'customer_id',
    'display_name',
    'salutation',
    'first_name',
    'last_name',
    'email',
    'tags',
    'company_name',
    'phone',
    'mobile',
    'website',
    'department',
    'designation',
    'currency_code',
    'unused_credits',
    'outstanding',
    'is_gapps_customer',
    'status',
    'created_time',
    'updated_time',
  ];
  return Object.fromEntries(keys.map((k) => [k, full[k]]));
}

export function subscriptionView(s: ZohoSubscription, state: ZohoState): Record<string, unknown> {
  const plan = state.plans.get(s.plan_code);
  const customer = state.customers.get(s.customer_id);
  const product = plan ? state.products.get(plan.product_id) : undefined;
  const total = Math.round(s.price * s.quantity * 100) / 100;
  return {
    subscription_id: s.subscription_id,
    name: `${product?.name ?? ''}-${plan?.name ?? s.plan_code}`,
    status: s.status,
    amount: total,
    sub_total: total,
    created_at: s.created_at,
    activated_at: s.activated_at,
    current_term_starts_at: s.current_term_starts_at,
    current_term_ends_at: s.current_term_ends_at,
    last_billing_at: s.last_billing_at,
    next_billing_at: s.next_billing_at,
    expires_at: s.expires_at,
    cancelled_at: s.cancelled_at,
    trial_ends_at: s.trial_ends_at,
    starts_at: s.starts_at,
    interval: String(plan?.interval ?? 1),
    interval_unit: plan?.interval_unit ?? 'months',
    billing_cycles: s.billing_cycles,
    auto_collect: s.auto_collect,
    created_time: s.created_time,
    updated_time: s.updated_time,
    reference_id: s.reference_id,
    salesperson_id: '',
    salesperson_name: '',
    child_invoice_id: s.child_invoice_id,
    currency_code: s.currency_code,
    currency_symbol: symbol(s.currency_code),
    end_of_term: s.end_of_term,
    product_id: plan?.product_id ?? '',
    product_name: product?.name ?? '',
    plan: {
      plan_code: s.plan_code,
      name: plan?.name ?? s.plan_code,
      quantity: s.quantity,
      price: s.price,
      discount: 0,
      total,
      setup_fee: 0,
      plan_description: plan?.description ?? '',
      tags: [],
      item_custom_fields: [],
      trial_days: plan?.trial_period ?? 0,
    },
    addons: [],
    ...(s.card_id
      ? {
          card: {
            card_id: s.card_id,
            last_four_digits: 1111,
            payment_gateway: 'test_gateway',
            expiry_month: 12,
            expiry_year: 2030,
          },
        }
      : {}),
    payment_terms: s.payment_terms,
    payment_terms_label: s.payment_terms_label,
    can_add_bank_account: true,
    customer_id: s.customer_id,
    customer: customer
      ? {
          customer_id: customer.customer_id,
          display_name: customer.display_name,
          salutation: customer.salutation,
          first_name: customer.first_name,
          last_name: customer.last_name,
          email: customer.email,
          company_name: customer.company_name,
          billing_address: customer.billing_address,
          shipping_address: customer.shipping_address,
          payment_terms: customer.payment_terms,
          payment_terms_label: customer.payment_terms_label,
        }
      : { customer_id: s.customer_id },
    custom_fields: s.custom_fields,
    taxes: [],
    contactpersons: [],
    notes: [],
    payment_gateways: [],
  };
}

export function subscriptionListItem(s: ZohoSubscription, state: ZohoState): Record<string, unknown> {
  const plan = state.plans.get(s.plan_code);
  const customer = state.customers.get(s.customer_id);
  const full = subscriptionView(s, state);
  return {
    customer_id: s.customer_id,
    customer_name: customer?.display_name ?? '',
    email: customer?.email ?? '',
    plan_name: plan?.name ?? s.plan_code,
    plan_code: s.plan_code,
    subscription_id: s.subscription_id,
    name: full['name'],
    status: s.status,
    amount: full['amount'],
    created_at: s.created_at,
    activated_at: s.activated_at,
    current_term_starts_at: s.current_term_starts_at,
    current_term_ends_at: s.current_term_ends_at,
    last_billing_at: s.last_billing_at,
    next_billing_at: s.next_billing_at,
    expires_at: s.expires_at,
    interval: full['interval'],
    interval_unit: full['interval_unit'],
    auto_collect: s.auto_collect,
    created_time: s.created_time,
    updated_time: s.updated_time,
    reference_id: s.reference_id,
    salesperson_id: '',
    salesperson_name: '',
    currency_code: s.currency_code,
    currency_symbol: symbol(s.currency_code),
  };
}

export function invoiceView(i: ZohoInvoice, state: ZohoState): Record<string, unknown> {
  const customer = state.customers.get(i.customer_id);
  return {
    invoice_id: i.invoice_id,
    // The retrieve schema calls it `number`, the create and list-invoices schemas `invoice_number`: send both.
    number: i.number,
    invoice_number: i.number,
    status: i.status,
    invoice_date: i.invoice_date,
    date: i.invoice_date,
    due_date: i.due_date,
    payment_terms: i.payment_terms,
    payment_terms_label: i.payment_terms_label,
    payment_expected_date: '',
    last_payment_date: i.last_payment_date,
    reference_number: i.reference_number,
    ach_payment_initiated: false,
    transaction_type: i.transaction_type,
    customer_id: i.customer_id,
    customer_name: customer?.display_name ?? '',
    email: customer?.email ?? '',
    subscriptions: i.subscription_id ? [{ subscription_id: i.subscription_id }] : [],
    invoice_items: i.invoice_items.map((it) => ({
      item_id: it.item_id,
      product_id: it.product_id,
      code: it.code,
      name: it.name,
      description: it.description,
      // invoices.yml types the line `price` as a string and `item_total` as an integer.
      price: it.price.toFixed(2),
      quantity: it.quantity,
      discount_amount: 0,
      item_total: it.item_total,
      tags: [],
      item_custom_fields: [],
    })),
    coupons: [],
    credits: [],
    sub_total: i.total,
    tax_total: 0,
    total: i.total,
    payment_made: i.payment_made,
    balance: i.balance,
    credits_applied: i.credits_applied ?? 0,
    write_off_amount: 0,
    payments: i.payments,
    currency_code: i.currency_code,
    currency_symbol: symbol(i.currency_code),
    invoice_url: `https://billing.zoho.com/portal/sandbox/invoices/${i.invoice_id}`,
    billing_address: customer?.billing_address ?? {},
    shipping_address: customer?.shipping_address ?? {},
    comments: [],
    custom_fields: i.custom_fields,
    documents: [],
    created_time: i.created_time,
    updated_time: i.updated_time,
  };
}

export function invoiceListItem(i: ZohoInvoice, state: ZohoState): Record<string, unknown> {
  const customer = state.customers.get(i.customer_id);
  return {
    invoice_id: i.invoice_id,
    number: i.number,
    invoice_number: i.number,
    status: i.status,
    invoice_date: i.invoice_date,
    due_date: i.due_date,
    customer_id: i.customer_id,
    customer_name: customer?.display_name ?? '',
    email: customer?.email ?? '',
    balance: i.balance,
    total: i.total,
    payment_made: i.payment_made,
    reference_number: i.reference_number,
    subscription_id: i.subscription_id,
    transaction_type: i.transaction_type,
    currency_code: i.currency_code,
    currency_symbol: symbol(i.currency_code),
    created_time: i.created_time,
    updated_time: i.updated_time,
  };
}

export function paymentView(p: ZohoPayment, state: ZohoState): Record<string, unknown> {
  const customer = state.customers.get(p.customer_id);
  return {
    payment_id: p.payment_id,
    payment_mode: p.payment_mode,
    amount: p.amount,
    amount_refunded: p.amount_refunded,
    bank_charges: p.bank_charges,
    date: p.date,
    status: p.status,
    reference_number: p.reference_number,
    description: p.description,
    customer_id: p.customer_id,
    customer_name: customer?.display_name ?? '',
    email: customer?.email ?? '',
    invoices: p.invoices.map((ref) => {
      const inv = state.invoices.get(ref.invoice_id);
      return {
        invoice_id: ref.invoice_id,
        invoice_number: inv?.number ?? '',
        date: inv?.invoice_date ?? '',
        invoice_amount: inv?.total ?? 0,
        amount_applied: ref.amount_applied,
        balance_amount: inv?.balance ?? 0,
      };
    }),
    currency_code: p.currency_code,
    currency_symbol: symbol(p.currency_code),
    custom_fields: p.custom_fields,
    created_time: p.created_time,
    updated_time: p.updated_time,
  };
}
