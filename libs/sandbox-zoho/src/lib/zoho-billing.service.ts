import { invalid, invalidState, notFound, ZohoApiError, ZOHO_CODES } from './zoho-errors';
import { addDays, addInterval, money, parseZohoDate, zohoDate, zohoTime } from './zoho-format';
import { Body, bool, customFields, EMAIL_PATTERN, num, required, str, termsLabel } from './zoho-input';
import { applyScheduledChange } from './zoho-plan-change';
import type {
  ZohoCustomer,
  ZohoCustomField,
  ZohoInvoice,
  ZohoInvoiceItem,
  ZohoInvoiceTransactionType,
  ZohoPayment,
  ZohoPaymentMode,
  ZohoPlan,
  ZohoProduct,
  ZohoState,
  ZohoSubscription,
} from './zoho-state';
import { invoiceView, paymentView, subscriptionView } from './zoho-views';

export type ZohoEventType =
  | 'subscription_created'
  | 'subscription_activation'
  | 'subscription_renewed'
  | 'subscription_cancelled'
  | 'subscription_cancellation_scheduled'
  | 'subscription_expired'
  | 'subscription_upgraded'
  | 'subscription_downgraded'
  | 'subscription_reactivated'
  | 'invoice_created'
  | 'payment_thankyou'
  | 'payment_declined'
  | 'payment_refunded';

export interface ZohoBillingDeps {
  state: ZohoState;
  now: () => Date;
  /** Records the event and delivers the webhook; `data` is wrapped by resource name. */
  emit: (type: ZohoEventType, data: Record<string, unknown>) => void;
  /** Called after every change (schedules persistence). */
  changed: () => void;
  currency: string;
}

const PAYMENT_MODES: ZohoPaymentMode[] = [
  'check',
  'cash',
  'creditcard',
  'banktransfer',
  'bankremittance',
  'autotransaction',
  'others',
];

/**
 * Zoho Billing's behaviour for the resources the integration uses: customers, subscriptions that renew and
 * raise invoices, invoices whose balance and status follow payments, and payments that can be deleted.
 * Pure state transitions; HTTP lives in the route files.
 */
export class ZohoBillingService {
  constructor(private readonly deps: ZohoBillingDeps) {}

  private get state(): ZohoState {
    return this.deps.state;
  }

  private stamp(): string {
    return zohoTime(this.deps.now());
  }

  private today(): string {
    return zohoDate(this.deps.now());
  }

  // ---- products and plans -------------------------------------------------------------------------

  createProduct(body: Body): ZohoProduct {
    const name = required(body, 'name');
    const t = this.stamp();
    const product: ZohoProduct = {
      product_id: str(body['product_id']) || this.state.newId(),
      name,
      description: str(body['description']),
      email_ids: str(body['email_ids']),
      redirect_url: str(body['redirect_url']),
      status: 'active',
      created_time: t,
      updated_time: t,
    };
    this.state.products.set(product.product_id, product);
    this.deps.changed();
    return product;
  }

  getProduct(id: string): ZohoProduct {
    const p = this.state.products.get(id);
    if (!p) throw notFound('Product');
    return p;
  }

  createPlan(body: Body): ZohoPlan {
    const planCode = required(body, 'plan_code');
    const name = required(body, 'name');
    const productId = required(body, 'product_id');
    const price = num(body['recurring_price']);
    if (price === undefined || price < 0) throw invalid('Please enter a valid value for recurring_price.');
    const interval = num(body['interval']);
    if (interval === undefined || !Number.isInteger(interval) || interval < 1) {
      throw invalid('Please enter a valid value for interval.');
    }
    const unit = str(body['interval_unit']) || 'months';
    if (!['months', 'years', 'weeks', 'days'].includes(unit))
      throw invalid('Invalid value passed for interval_unit');
    if (!this.state.products.has(productId)) throw notFound('Product');
    if (this.state.plans.has(planCode)) {
      throw new ZohoApiError(400, ZOHO_CODES.duplicate, `The plan code "${planCode}" already exists.`);
    }
    const t = this.stamp();
    const plan: ZohoPlan = {
      plan_code: planCode,
      name,
      description: str(body['description']),
      status: 'active',
      product_id: productId,
      recurring_price: money(price),
      unit: str(body['unit']),
      interval,
      interval_unit: unit as ZohoPlan['interval_unit'],
      billing_cycles: num(body['billing_cycles']) ?? -1,
      trial_period: num(body['trial_period']) ?? 0,
      setup_fee: num(body['setup_fee']) ?? 0,
      currency_code: str(body['currency_code']) || this.deps.currency,
      created_time: t,
      updated_time: t,
    };
    this.state.plans.set(plan.plan_code, plan);
    this.deps.changed();
    return plan;
  }

  getPlan(code: string): ZohoPlan {
    const p = this.state.plans.get(code);
    if (!p) throw notFound('Plan');
    return p;
  }

  // ---- customers ----------------------------------------------------------------------------------

  createCustomer(body: Body): ZohoCustomer {
    const displayName = required(body, 'display_name');
    // The spec also lists tax_authority_id/name as required; they concern US sales-tax orgs only (UNCONFIRMED).
    const email = required(body, 'email');
    if (!EMAIL_PATTERN.test(email)) throw invalid('Please enter a valid email address.');
    if (this.state.customersByName.has(displayName.toLowerCase())) {
      throw new ZohoApiError(400, ZOHO_CODES.duplicate, `The customer "${displayName}" already exists.`);
    }
    const t = this.stamp();
    const terms = num(body['payment_terms']) ?? 0;
    const customer: ZohoCustomer = {
      customer_id: this.state.newId(),
      display_name: displayName,
      salutation: str(body['salutation']),
      first_name: str(body['first_name']),
      last_name: str(body['last_name']),
      email,
      company_name: str(body['company_name']),
      phone: str(body['phone']),
      mobile: str(body['mobile']),
      website: str(body['website']),
      department: str(body['department']),
      designation: str(body['designation']),
      billing_address: (body['billing_address'] as ZohoCustomer['billing_address']) ?? {},
      shipping_address: (body['shipping_address'] as ZohoCustomer['shipping_address']) ?? {},
      currency_code: str(body['currency_code']) || this.deps.currency,
      currency_id: '460000000000097',
      payment_terms: terms,
      payment_terms_label: str(body['payment_terms_label']) || termsLabel(terms),
      status: 'active',
      is_portal_enabled: bool(body['is_portal_enabled'], false),
      custom_fields: customFields(body['custom_fields']),
      // Set only by Zoho's own CRM sync in real Zoho; the emulator accepts them so tests can model a CRM link.
      zcrm_account_id: str(body['zcrm_account_id']),
      zcrm_contact_id: str(body['zcrm_contact_id']),
      notes: str(body['notes']),
      source: 'api',
      created_time: t,
      updated_time: t,
    };
    this.state.addCustomer(customer);
    this.deps.changed();
    return customer;
  }

  getCustomer(id: string): ZohoCustomer {
    const c = this.state.customers.get(id);
    if (!c) throw notFound('Customer');
    return c;
  }

  /**
   * `GET /customers/reference/{id}` ("Retrieve a customer Using CRM Reference",
   * ../shared/specs/zoho-billing/customers.yml): `reference_id` is a Zoho CRM account id or contact id,
   * chosen by `reference_id_type=zcrm_account_id|zcrm_contact_id`; without the type either matches. Only
   * those ids (set by Zoho's CRM sync; the emulator accepts them on create) are matched, never custom
   * fields: any other reference is not found, as in Zoho, where a customer not linked to CRM has none.
   */
  findCustomerByReference(ref: string, type?: string): ZohoCustomer {
    for (const c of this.state.customers.values()) {
      const byAccount = type !== 'zcrm_contact_id' && c.zcrm_account_id === ref;
      const byContact = type !== 'zcrm_account_id' && c.zcrm_contact_id === ref;
      if (ref && (byAccount || byContact)) return c;
    }
    throw notFound('Customer');
  }

  customersByEmail(email: string): ZohoCustomer[] {
    return [...(this.state.customersByEmail.get(email.toLowerCase()) ?? [])].map((id) =>
      this.getCustomer(id),
    );
  }

  // ---- subscriptions ------------------------------------------------------------------------------

  createSubscription(body: Body): ZohoSubscription {
    let customerId = str(body['customer_id']);
    if (!customerId) {
      if (body['customer'] && typeof body['customer'] === 'object') {
        customerId = this.createCustomer(body['customer'] as Body).customer_id;
      } else {
        throw invalid('customer_id is required. Please enter a valid value for customer_id.');
      }
    }
    const customer = this.getCustomer(customerId);
    const planBody = (body['plan'] ?? {}) as Body;
    const planCode = str(planBody['plan_code']);
    if (!planCode) throw invalid('plan_code is required. Please enter a valid value for plan_code.');
    const plan = this.getPlan(planCode);
    if (plan.status !== 'active') throw invalidState(`The plan "${plan.plan_code}" is inactive.`);
    const autoCollect = bool(body['auto_collect'], true);
    const cardId = str(body['card_id']);
    // subscription.yml: card_id is required "if auto_collect node is true and any other payment method is not specified".
    if (autoCollect && !cardId && !body['payment_gateways'] && !body['account_id']) {
      throw invalid('Please add a card or choose a payment gateway for online (auto_collect) subscriptions.');
    }
    const quantity = num(planBody['quantity']) ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) throw invalid('Invalid value passed for quantity');
    const price = num(planBody['price']) ?? plan.recurring_price;
    const now = this.deps.now();
    const startsAtRaw = body['starts_at'];
    const startsAt =
      startsAtRaw === undefined || startsAtRaw === ''
        ? parseZohoDate(zohoDate(now))
        : parseZohoDate(startsAtRaw);
    if (!startsAt) throw invalid('Invalid value passed for starts_at. Use the format yyyy-mm-dd.');
    const trialDays =
      planBody['exclude_trial'] === true ? 0 : (num(planBody['trial_days']) ?? plan.trial_period);
    const terms = num(body['payment_terms']) ?? customer.payment_terms;
    const t = this.stamp();
    const sub: ZohoSubscription = {
      subscription_id: this.state.newId(),
      customer_id: customer.customer_id,
      plan_code: plan.plan_code,
      quantity,
      price: money(price),
      status: 'live',
      auto_collect: autoCollect,
      card_id: cardId,
      reference_id: str(body['reference_id']),
      custom_fields: customFields(body['custom_fields']),
      payment_terms: terms,
      payment_terms_label: str(body['payment_terms_label']) || termsLabel(terms),
      currency_code: customer.currency_code,
      starts_at: zohoDate(startsAt),
      trial_ends_at: '',
      activated_at: '',
      current_term_starts_at: '',
      current_term_ends_at: '',
      last_billing_at: '',
      next_billing_at: '',
      expires_at: '',
      cancelled_at: '',
      cycles_billed: 0,
      billing_cycles: num(planBody['billing_cycles']) ?? plan.billing_cycles,
      end_of_term: false,
      child_invoice_id: '',
      created_at: zohoDate(now),
      created_time: t,
      updated_time: t,
    };
    this.state.addSubscription(sub);
    if (zohoDate(startsAt) > zohoDate(now)) {
      sub.status = 'future';
      sub.next_billing_at = sub.starts_at;
    } else if (trialDays > 0) {
      sub.status = 'trial';
      sub.trial_ends_at = zohoDate(addDays(startsAt, trialDays));
      sub.current_term_starts_at = sub.starts_at;
      sub.current_term_ends_at = sub.trial_ends_at;
      sub.next_billing_at = sub.trial_ends_at;
    } else {
      this.startTerm(sub, startsAt, 'new');
    }
    this.deps.emit('subscription_created', { subscription: subscriptionView(sub, this.state) });
    if (sub.child_invoice_id) this.emitInvoiceCreated(this.state.invoices.get(sub.child_invoice_id));
    this.deps.changed();
    return sub;
  }

  getSubscription(id: string): ZohoSubscription {
    const s = this.state.subscriptions.get(id);
    if (!s) throw notFound('Subscription');
    return s;
  }

  cancelSubscription(id: string, cancelAtEnd: boolean): ZohoSubscription {
    const sub = this.getSubscription(id);
    if (['cancelled', 'expired'].includes(sub.status)) {
      throw invalidState('The subscription has already been cancelled.');
    }
    if (cancelAtEnd && ['live', 'non_renewing'].includes(sub.status)) {
      sub.status = 'non_renewing';
      sub.end_of_term = true;
      sub.expires_at = sub.current_term_ends_at;
      sub.updated_time = this.stamp();
      this.deps.emit('subscription_cancellation_scheduled', {
        subscription: subscriptionView(sub, this.state),
      });
    } else {
      this.endSubscription(sub, this.deps.now());
    }
    this.deps.changed();
    return sub;
  }

  private endSubscription(sub: ZohoSubscription, at: Date): void {
    sub.status = 'cancelled';
    sub.cancelled_at = zohoDate(at);
    sub.expires_at = sub.expires_at || zohoDate(at);
    sub.next_billing_at = '';
    sub.updated_time = this.stamp();
    this.deps.emit('subscription_cancelled', { subscription: subscriptionView(sub, this.state) });
  }

  /** Opens a billing term starting at `from` and raises its invoice (less `creditsApplied`, if any). */
  startTerm(
    sub: ZohoSubscription,
    from: Date,
    kind: ZohoInvoiceTransactionType,
    creditsApplied = 0,
  ): ZohoInvoice {
    const plan = this.getPlan(sub.plan_code);
    const end = addInterval(from, plan.interval, plan.interval_unit);
    if (!sub.activated_at) sub.activated_at = zohoDate(from);
    sub.status = sub.status === 'non_renewing' ? sub.status : 'live';
    sub.current_term_starts_at = zohoDate(from);
    sub.current_term_ends_at = zohoDate(end);
    sub.last_billing_at = zohoDate(from);
    sub.next_billing_at = zohoDate(end);
    sub.cycles_billed += 1;
    sub.updated_time = this.stamp();
    const invoice = this.raiseInvoice({
      customerId: sub.customer_id,
      subscriptionId: sub.subscription_id,
      date: from,
      paymentTerms: sub.payment_terms,
      kind,
      creditsApplied,
      items: [
        {
          product_id: plan.product_id,
          code: plan.plan_code,
          name: plan.name,
          description: plan.description,
          price: sub.price,
          quantity: sub.quantity,
        },
      ],
    });
    sub.child_invoice_id = invoice.invoice_id;
    return invoice;
  }

  // ---- invoices -----------------------------------------------------------------------------------

  /** Raises an invoice; `creditsApplied` (at most the total) lowers its balance like an applied credit note. */
  raiseInvoice(input: {
    customerId: string;
    subscriptionId?: string;
    date: Date;
    dueDate?: Date;
    paymentTerms: number;
    kind: ZohoInvoiceTransactionType;
    creditsApplied?: number;
    referenceNumber?: string;
    customFields?: ZohoCustomField[];
    items: Array<Omit<ZohoInvoiceItem, 'item_id' | 'item_total'>>;
  }): ZohoInvoice {
    const customer = this.getCustomer(input.customerId);
    const items: ZohoInvoiceItem[] = input.items.map((it) => ({
      ...it,
      item_id: this.state.newId(),
      item_total: money(it.price * it.quantity),
    }));
    const total = money(items.reduce((s, it) => s + it.item_total, 0));
    const credits = money(Math.min(total, Math.max(0, input.creditsApplied ?? 0)));
    const t = this.stamp();
    const due = input.dueDate ?? addDays(input.date, input.paymentTerms);
    const invoice: ZohoInvoice = {
      invoice_id: this.state.newId(),
      number: this.state.newInvoiceNumber(),
      status: total === 0 ? 'paid' : 'sent',
      invoice_date: zohoDate(input.date),
      due_date: zohoDate(due),
      payment_terms: input.paymentTerms,
      payment_terms_label: termsLabel(input.paymentTerms),
      customer_id: customer.customer_id,
      subscription_id: input.subscriptionId ?? '',
      transaction_type: input.kind,
      invoice_items: items,
      reference_number: input.referenceNumber ?? '',
      total,
      payment_made: 0,
      balance: money(total - credits),
      ...(credits > 0 ? { credits_applied: credits } : {}),
      currency_code: customer.currency_code,
      custom_fields: input.customFields ?? [],
      payments: [],
      last_payment_date: '',
      created_time: t,
      updated_time: t,
    };
    this.refreshInvoiceStatus(invoice);
    this.state.addInvoice(invoice);
    return invoice;
  }

  emitInvoiceCreated(invoice: ZohoInvoice | undefined): void {
    if (invoice) this.deps.emit('invoice_created', { invoice: invoiceView(invoice, this.state) });
  }

  createInvoice(body: Body): ZohoInvoice {
    const customerId = required(body, 'customer_id');
    this.getCustomer(customerId);
    const rawItems = body['invoice_items'];
    if (!Array.isArray(rawItems) || rawItems.length === 0) {
      throw invalid('invoice_items is required. Add at least one line item.');
    }
    const items = rawItems.map((raw: unknown) => {
      const it = (raw ?? {}) as Body;
      const rate = num(it['rate'] ?? it['price']);
      const quantity = num(it['quantity']) ?? 1;
      if (rate === undefined || rate < 0) throw invalid('Please enter a valid value for rate.');
      if (quantity <= 0) throw invalid('Please enter a valid value for quantity.');
      const productId = str(it['product_id']);
      const plan = it['code'] ? this.state.plans.get(str(it['code'])) : undefined;
      return {
        product_id: productId || plan?.product_id || '',
        code: str(it['code']),
        name: str(it['name']) || plan?.name || 'Item',
        description: str(it['description']),
        price: money(rate),
        quantity,
      };
    });
    const date = body['date'] === undefined ? this.deps.now() : parseZohoDate(body['date']);
    if (!date) throw invalid('Invalid value passed for date. Use the format yyyy-mm-dd.');
    let dueDate: Date | undefined;
    if (body['due_date'] !== undefined) {
      dueDate = parseZohoDate(body['due_date']);
      if (!dueDate) throw invalid('Invalid value passed for due_date. Use the format yyyy-mm-dd.');
    }
    const invoice = this.raiseInvoice({
      customerId,
      date,
      dueDate,
      paymentTerms: num(body['payment_terms']) ?? 0,
      kind: 'manual',
      referenceNumber: str(body['reference_number']),
      customFields: customFields(body['custom_fields']),
      items,
    });
    this.emitInvoiceCreated(invoice);
    this.deps.changed();
    return invoice;
  }

  getInvoice(id: string): ZohoInvoice {
    const inv = this.state.invoices.get(id);
    if (!inv) throw notFound('Invoice');
    this.refreshInvoiceStatus(inv);
    return inv;
  }

  /** Status follows balance and due date: sent → partially_paid → paid, overdue once past due. */
  refreshInvoiceStatus(inv: ZohoInvoice): void {
    if (inv.status === 'void') return;
    if (inv.balance <= 0) inv.status = 'paid';
    else if (inv.due_date < this.today()) inv.status = 'overdue';
    else if (inv.payment_made > 0) inv.status = 'partially_paid';
    else inv.status = 'sent';
  }

  voidInvoice(id: string): ZohoInvoice {
    const inv = this.getInvoice(id);
    if (inv.status === 'void') throw invalidState('The invoice has already been voided.');
    if (inv.payments.length > 0) {
      throw invalidState('Invoices with payments applied cannot be voided. Delete the payments first.');
    }
    inv.status = 'void';
    inv.updated_time = this.stamp();
    this.deps.changed();
    return inv;
  }

  convertToOpen(id: string): ZohoInvoice {
    const inv = this.getInvoice(id);
    if (inv.status !== 'void') throw invalidState('Only void invoices can be converted to open.');
    inv.status = 'sent';
    this.refreshInvoiceStatus(inv);
    inv.updated_time = this.stamp();
    this.deps.changed();
    return inv;
  }

  // ---- payments -----------------------------------------------------------------------------------

  createPayment(body: Body): ZohoPayment {
    const customerId = required(body, 'customer_id');
    const mode = required(body, 'payment_mode') as ZohoPaymentMode;
    if (!PAYMENT_MODES.includes(mode)) throw invalid(`Invalid value passed for payment_mode`);
    const amount = num(body['amount']);
    if (amount === undefined || amount <= 0)
      throw invalid('amount is required. Please enter a valid amount.');
    const customer = this.getCustomer(customerId);
    const refs = Array.isArray(body['invoices']) ? (body['invoices'] as Body[]) : [];
    const applied: Array<{ invoice: ZohoInvoice; amount: number }> = [];
    for (const ref of refs) {
      const invoiceId = str(ref['invoice_id']);
      const amountApplied = num(ref['amount_applied']);
      if (!invoiceId || amountApplied === undefined || amountApplied <= 0) {
        throw invalid('Each entry in invoices needs invoice_id and a positive amount_applied.');
      }
      const invoice = this.getInvoice(invoiceId);
      if (invoice.customer_id !== customer.customer_id) {
        throw invalid('The invoice does not belong to this customer.');
      }
      if (invoice.status === 'void') throw invalidState('Payments cannot be recorded for void invoices.');
      if (money(amountApplied) > invoice.balance) {
        throw invalid(`The amount applied to invoice ${invoice.number} is more than its balance due.`);
      }
      applied.push({ invoice, amount: money(amountApplied) });
    }
    const totalApplied = money(applied.reduce((s, a) => s + a.amount, 0));
    if (totalApplied > money(amount))
      throw invalid('The amount applied to invoices is more than the payment amount.');
    const date = body['date'] === undefined ? this.deps.now() : parseZohoDate(body['date']);
    if (!date) throw invalid('Invalid value passed for date. Use the format yyyy-mm-dd.');
    const t = this.stamp();
    const payment: ZohoPayment = {
      payment_id: this.state.newId(),
      customer_id: customer.customer_id,
      payment_mode: mode,
      amount: money(amount),
      amount_refunded: 0,
      bank_charges: num(body['bank_charges']) ?? 0,
      exchange_rate: num(body['exchange_rate']) ?? 1,
      date: zohoDate(date),
      status: 'success',
      reference_number: str(body['reference_number']),
      description: str(body['description']),
      currency_code: customer.currency_code,
      invoices: applied.map((a) => ({
        invoice_id: a.invoice.invoice_id,
        amount_applied: a.amount,
        invoice_payment_id: this.state.newId(),
      })),
      custom_fields: customFields(body['custom_fields']),
      created_time: t,
      updated_time: t,
    };
    payment.invoices.forEach((ref, i) => {
      const invoice = applied[i].invoice;
      invoice.balance = money(invoice.balance - ref.amount_applied);
      invoice.payment_made = money(invoice.payment_made + ref.amount_applied);
      invoice.last_payment_date = payment.date;
      invoice.payments.push({
        payment_id: payment.payment_id,
        invoice_payment_id: ref.invoice_payment_id,
        payment_mode: payment.payment_mode,
        reference_number: payment.reference_number,
        description: payment.description,
        date: payment.date,
        amount: ref.amount_applied,
        amount_refunded: 0,
        bank_charges: payment.bank_charges,
        exchange_rate: payment.exchange_rate,
        gateway_transaction_id: '',
      });
      invoice.updated_time = t;
      this.refreshInvoiceStatus(invoice);
    });
    this.state.addPayment(payment);
    this.deps.emit('payment_thankyou', { payment: paymentView(payment, this.state) });
    this.deps.changed();
    return payment;
  }

  getPayment(id: string): ZohoPayment {
    const p = this.state.payments.get(id);
    if (!p) throw notFound('Payment');
    return p;
  }

  /** Deleting a payment gives its amounts back to the invoices' balances. */
  deletePayment(id: string): void {
    const payment = this.getPayment(id);
    for (const ref of payment.invoices) {
      const invoice = this.state.invoices.get(ref.invoice_id);
      if (!invoice) continue;
      invoice.balance = money(invoice.balance + ref.amount_applied);
      invoice.payment_made = money(invoice.payment_made - ref.amount_applied);
      invoice.payments = invoice.payments.filter((p) => p.payment_id !== payment.payment_id);
      invoice.last_payment_date = invoice.payments.at(-1)?.date ?? '';
      invoice.updated_time = this.stamp();
      this.refreshInvoiceStatus(invoice);
    }
    this.state.removePayment(payment);
    this.deps.changed();
  }

  /** Control API: a refund recorded against a payment (raises `payment_refunded`). */
  refundPayment(id: string, amount?: number): ZohoPayment {
    const payment = this.getPayment(id);
    const refundable = money(payment.amount - payment.amount_refunded);
    const value = money(amount ?? refundable);
    if (value <= 0 || value > refundable)
      throw invalid('The refund amount is more than the refundable amount.');
    payment.amount_refunded = money(payment.amount_refunded + value);
    payment.updated_time = this.stamp();
    this.deps.emit('payment_refunded', { payment: paymentView(payment, this.state) });
    this.deps.changed();
    return payment;
  }

  /** Control API: a failed card charge for an invoice (raises `payment_declined`; the balance is unchanged). */
  declinePayment(invoiceId: string, reason: string): Record<string, unknown> {
    const invoice = this.getInvoice(invoiceId);
    const payment = {
      payment_id: this.state.newId(),
      payment_mode: 'autotransaction',
      amount: invoice.balance,
      date: this.today(),
      status: 'failure',
      customer_id: invoice.customer_id,
      autotransaction: { payment_gateway: 'test_gateway', gateway_error_message: reason },
      invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 0 }],
    };
    const data = { payment, invoice: invoiceView(invoice, this.state) };
    this.deps.emit('payment_declined', data);
    return data;
  }

  // ---- time ---------------------------------------------------------------------------------------

  /**
   * Runs when the sandbox clock moves: future subscriptions start, trials end, live subscriptions renew at
   * `next_billing_at` (one invoice per elapsed term), non-renewing ones end, unpaid invoices past due turn overdue.
   */
  advanceTo(now: Date): void {
    const today = zohoDate(now);
    for (const sub of this.state.subscriptions.values()) {
      for (let guard = 0; guard < 120 && sub.next_billing_at && sub.next_billing_at <= today; guard++) {
        const at = parseZohoDate(sub.next_billing_at) as Date;
        if (sub.status === 'non_renewing') {
          this.endSubscription(sub, at);
          break;
        }
        if (!['live', 'future', 'trial'].includes(sub.status)) break;
        if (sub.billing_cycles > 0 && sub.cycles_billed >= sub.billing_cycles) {
          sub.status = 'expired';
          sub.expires_at = sub.next_billing_at;
          sub.next_billing_at = '';
          this.deps.emit('subscription_expired', { subscription: subscriptionView(sub, this.state) });
          break;
        }
        const wasLive = sub.status === 'live';
        // A plan change sent with end_of_term:true takes effect now, so the new term is billed on it.
        const planEvent = applyScheduledChange(sub, this.state);
        const invoice = this.startTerm(sub, at, wasLive ? 'renewal' : 'new');
        const view = { subscription: subscriptionView(sub, this.state) };
        this.deps.emit(wasLive ? 'subscription_renewed' : 'subscription_activation', view);
        if (planEvent) this.deps.emit(planEvent, view);
        this.emitInvoiceCreated(invoice);
      }
    }
    for (const inv of this.state.invoices.values()) {
      if ((inv.status === 'sent' || inv.status === 'partially_paid') && inv.due_date < today)
        inv.status = 'overdue';
    }
    this.deps.changed();
  }
}
