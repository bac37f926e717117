import { invalid, invalidState } from './zoho-errors';
import { money, parseZohoDate, zohoDate, zohoTime } from './zoho-format';
import { Body, bool, customFields, num, str } from './zoho-input';
import {
  classifyChange,
  daysBetween,
  PlanChangeEvent,
  PlanTerms,
  proratedUnitPrice,
  setTerms,
  termsOf,
} from './zoho-plan-change';
import type { ZohoBillingDeps, ZohoBillingService } from './zoho-billing.service';
import type { ZohoInvoice, ZohoSubscription } from './zoho-state';
import { subscriptionView } from './zoho-views';

export interface SubscriptionChangeOptions {
  /**
   * Whether `POST /subscriptions/{id}/reactivate` accepts `cancelled` subscriptions. subscription.yml says
   * "You can reactivate a subscription only if the status of the subscription is non-renewing", while
   * events.yml raises `subscription_reactivated` "when a subscription is reactivated from the cancelled
   * state" and Zoho's help describes reactivating cancelled subscriptions. Which one the API follows is
   * UNCONFIRMED; default true, false emulates the stricter reading.
   */
  reactivateCancelled: boolean;
}

/** Statuses whose current term is billed: an immediate plan change is prorated over the rest of it. */
const BILLED_TERM = new Set(['live', 'non_renewing']);
const ENDED = new Set(['cancelled', 'expired']);

/**
 * Subscription changes after creation: `PUT /subscriptions/{id}` (plan change now or at the end of the
 * term), `POST /subscriptions/{id}/reactivate` and `GET /subscriptions/{id}/scheduledchanges`
 * (subscription.yml "Update a subscription", "Reactivate subscription", "View Scheduled Changes").
 * Every input is read and checked before anything changes, so a refused request leaves no trace.
 */
export class ZohoSubscriptionChanges {
  constructor(
    private readonly deps: ZohoBillingDeps,
    private readonly billing: ZohoBillingService,
    private readonly options: SubscriptionChangeOptions,
  ) {}

  update(id: string, body: Body): ZohoSubscription {
    const sub = this.billing.getSubscription(id);
    if (ENDED.has(sub.status)) {
      // Zoho's web app can edit cancelled subscriptions (help: "Edit Subscription"); whether the API can is
      // UNCONFIRMED. The emulator refuses, as for a second cancel.
      throw invalidState(`The subscription is ${sub.status} and cannot be updated.`);
    }
    const target = this.targetTerms(body);
    // end_of_term: "If end_of_term is set to true, the subscription changes take effect only after the
    // current term of the subscription ends" (subscription.yml `end_of_term`).
    const endOfTerm = bool(body['end_of_term'], false);
    if (endOfTerm && sub.status === 'non_renewing') {
      throw invalidState(
        'The subscription ends with its current term: reactivate it before scheduling a plan change.',
      );
    }
    const fields = body['custom_fields'] === undefined ? undefined : customFields(body['custom_fields']);

    if (body['reference_id'] !== undefined) sub.reference_id = str(body['reference_id']);
    if (fields) sub.custom_fields = fields;
    sub.updated_time = zohoTime(this.deps.now());
    if (endOfTerm) {
      // Applied by the renewal (ZohoBillingService.advanceTo → applyScheduledChange); a later change replaces it.
      sub.scheduled_change = target;
      this.deps.changed();
      return sub;
    }
    sub.scheduled_change = null;
    const event = classifyChange(this.deps.state, termsOf(sub), target);
    let invoice: ZohoInvoice | undefined;
    if (BILLED_TERM.has(sub.status)) invoice = this.changeWithinTerm(sub, target, event);
    else setTerms(sub, target); // trial or future: nothing billed yet, nothing to prorate
    const view = { subscription: subscriptionView(sub, this.deps.state) };
    if (event) this.deps.emit(event, view);
    this.billing.emitInvoiceCreated(invoice);
    this.deps.changed();
    return sub;
  }

  /**
   * Zoho prorates an immediate change: "An invoice will be generated … for the rest of the month. A credit
   * note … will also be generated, which will be applied on the invoice", and the next billing date stays
   * (https://zohohelp.com/au/billing/help/settings/subscriptions/proration.html). The emulator raises that
   * invoice for an upgrade, with the credit for the unused part of the old plan as `credits_applied`, so its
   * `balance` is what the customer owes. No credit note resource is emulated, and a downgrade raises
   * nothing: Zoho's credit for the unused higher plan is not kept (docs/sandbox.md, known differences).
   * A plan with another billing interval starts a new term today (UNCONFIRMED), credited the same way.
   */
  private changeWithinTerm(
    sub: ZohoSubscription,
    target: PlanTerms,
    event: PlanChangeEvent | undefined,
  ): ZohoInvoice | undefined {
    const oldPlan = this.billing.getPlan(sub.plan_code);
    const newPlan = this.billing.getPlan(target.plan_code);
    const now = this.deps.now();
    const today = zohoDate(now);
    const termDays = daysBetween(sub.current_term_starts_at, sub.current_term_ends_at);
    const daysLeft = Math.min(termDays, Math.max(0, daysBetween(today, sub.current_term_ends_at)));
    const credit = money(proratedUnitPrice(sub.price, daysLeft, termDays) * sub.quantity);
    setTerms(sub, target);
    if (oldPlan.interval !== newPlan.interval || oldPlan.interval_unit !== newPlan.interval_unit) {
      const invoice = this.billing.startTerm(sub, parseZohoDate(today) as Date, 'upgrade', credit);
      if (sub.status === 'non_renewing') sub.expires_at = sub.current_term_ends_at;
      return invoice;
    }
    if (event !== 'subscription_upgraded' || daysLeft === 0) return undefined;
    const invoice = this.billing.raiseInvoice({
      customerId: sub.customer_id,
      subscriptionId: sub.subscription_id,
      date: now,
      paymentTerms: sub.payment_terms,
      kind: 'upgrade', // Zoho's transaction_type for this invoice is UNCONFIRMED
      creditsApplied: credit,
      items: [
        {
          product_id: newPlan.product_id,
          code: newPlan.plan_code,
          name: newPlan.name,
          description: `Prorated for ${daysLeft} of ${termDays} days (${today} to ${sub.current_term_ends_at})`,
          price: proratedUnitPrice(target.price, daysLeft, termDays),
          quantity: target.quantity,
        },
      ],
    });
    sub.child_invoice_id = invoice.invoice_id;
    return invoice;
  }

  /**
   * subscription.yml: "You can reactivate a subscription only if the `status` of the subscription is
   * non-renewing": the cancellation is undone, the term and billing date stay. A `cancelled` one (see
   * SubscriptionChangeOptions) comes back within its term as Zoho's "In-Term Reactivation" does — "no change
   * in start date, no new invoice created … simply restored to Live"
   * (https://help.zoho.com/portal/en/community/topic/realign-customers-who-gets-back-in-term) — and after
   * its term with a new term from today and its invoice (UNCONFIRMED). A live one is refused.
   */
  reactivate(id: string): ZohoSubscription {
    const sub = this.billing.getSubscription(id);
    const today = zohoDate(this.deps.now());
    let invoice: ZohoInvoice | undefined;
    if (sub.status === 'non_renewing') {
      sub.status = 'live';
      sub.next_billing_at = sub.next_billing_at || sub.current_term_ends_at;
    } else if (sub.status === 'cancelled' && this.options.reactivateCancelled) {
      sub.status = 'live';
      if (sub.current_term_ends_at && today < sub.current_term_ends_at) {
        sub.next_billing_at = sub.current_term_ends_at;
      } else {
        sub.scheduled_change = null; // a change scheduled for the term that ended lapsed with it
        invoice = this.billing.startTerm(sub, parseZohoDate(today) as Date, 'new');
      }
    } else if (sub.status === 'live') {
      throw invalidState('The subscription is already live.');
    } else {
      throw invalidState(
        this.options.reactivateCancelled
          ? 'Only non-renewing or cancelled subscriptions can be reactivated.'
          : 'Only non-renewing subscriptions can be reactivated.',
      );
    }
    sub.end_of_term = false;
    sub.expires_at = '';
    sub.cancelled_at = '';
    sub.updated_time = zohoTime(this.deps.now());
    this.deps.emit('subscription_reactivated', { subscription: subscriptionView(sub, this.deps.state) });
    this.billing.emitInvoiceCreated(invoice);
    this.deps.changed();
    return sub;
  }

  /**
   * `GET /subscriptions/{id}/scheduledchanges` ("To view the End of Term changes"): the subscription as it
   * will be billed from the next term. With nothing scheduled the emulator answers the subscription as it
   * is; what Zoho answers then is UNCONFIRMED.
   */
  scheduledView(id: string): Record<string, unknown> {
    const sub = this.billing.getSubscription(id);
    const next: ZohoSubscription = { ...sub };
    if (sub.scheduled_change && this.deps.state.plans.has(sub.scheduled_change.plan_code)) {
      setTerms(next, sub.scheduled_change);
    }
    return subscriptionView(next, this.deps.state);
  }

  /** The `plan` object of the request, checked like on create (unknown plan: 404 / 1002, as create answers). */
  private targetTerms(body: Body): PlanTerms {
    const plan = body['plan'];
    if (!plan || typeof plan !== 'object') {
      throw invalid('plan is required. Please enter a valid value for plan.');
    }
    const p = plan as Body;
    const planCode = str(p['plan_code']).trim();
    if (!planCode) throw invalid('plan_code is required. Please enter a valid value for plan_code.');
    const found = this.billing.getPlan(planCode);
    if (found.status !== 'active') throw invalidState(`The plan "${found.plan_code}" is inactive.`);
    // As on create, quantity defaults to 1 and price to the plan's; whether Zoho keeps the current
    // quantity when it is left out is UNCONFIRMED, so callers should send it.
    const quantity = num(p['quantity']) ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) throw invalid('Invalid value passed for quantity');
    const price = num(p['price']) ?? found.recurring_price;
    if (price < 0) throw invalid('Invalid value passed for price');
    return { plan_code: found.plan_code, quantity, price: money(price) };
  }
}
