import { money } from './zoho-format';
import type { ZohoPlan, ZohoScheduledChange, ZohoState, ZohoSubscription } from './zoho-state';

/**
 * Plan-change arithmetic shared by `PUT /subscriptions/{id}` (zoho-subscription-changes.ts) and renewals
 * (ZohoBillingService.advanceTo). Pure functions over the stored records: no events, no invoices.
 */

export type PlanChangeEvent = 'subscription_upgraded' | 'subscription_downgraded';

/** What a subscription is charged: its plan, per-unit price and quantity. */
export type PlanTerms = ZohoScheduledChange;

const DAY_MS = 86_400_000;

/** Nominal length of one billing interval in days, only to compare plans of different intervals. */
function nominalDays(plan: ZohoPlan): number {
  const perUnit = { days: 1, weeks: 7, months: 365.25 / 12, years: 365.25 }[plan.interval_unit];
  return plan.interval * perUnit;
}

/**
 * Upgrade or downgrade, by the charge per day of the old and new terms. events.yml defines
 * `subscription_upgraded` as "upgraded from a lower to a higher plan" and `subscription_downgraded` as
 * "downgraded from a higher to a lower plan"; how Zoho ranks plans is not documented (UNCONFIRMED): the
 * emulator compares what the customer pays per day, so a quantity or price change counts too. An
 * unchanged daily charge raises neither event.
 */
export function classifyChange(
  state: ZohoState,
  from: PlanTerms,
  to: PlanTerms,
): PlanChangeEvent | undefined {
  const rate = (t: PlanTerms) => {
    const plan = state.plans.get(t.plan_code);
    return plan ? (t.price * t.quantity) / nominalDays(plan) : 0;
  };
  const before = rate(from);
  const after = rate(to);
  if (Math.abs(after - before) < 1e-9) return undefined;
  return after > before ? 'subscription_upgraded' : 'subscription_downgraded';
}

export const termsOf = (sub: ZohoSubscription): PlanTerms => ({
  plan_code: sub.plan_code,
  quantity: sub.quantity,
  price: sub.price,
});

export function setTerms(sub: ZohoSubscription, terms: PlanTerms): void {
  sub.plan_code = terms.plan_code;
  sub.quantity = terms.quantity;
  sub.price = money(terms.price);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * The unit price for the rest of the current term: Zoho prorates by days, "[$100/31] * 16" for 16 of 31
 * days left (https://www.zoho.com/in/billing/features/prorated-billing/), i.e. price × days left ÷ days in
 * the term (https://zohohelp.com/au/billing/help/settings/subscriptions/proration.html: "[($500÷30)*20]").
 */
export function proratedUnitPrice(price: number, daysLeft: number, termDays: number): number {
  return termDays > 0 ? money((price * daysLeft) / termDays) : 0;
}

/**
 * Applies a change sent with `end_of_term: true` when the term ends (the renewal then bills the new plan).
 * Returns the event the change raises, if any; the change is cleared either way.
 */
export function applyScheduledChange(sub: ZohoSubscription, state: ZohoState): PlanChangeEvent | undefined {
  const change = sub.scheduled_change;
  if (!change) return undefined;
  sub.scheduled_change = null;
  if (!state.plans.has(change.plan_code)) return undefined;
  const event = classifyChange(state, termsOf(sub), change);
  setTerms(sub, change);
  return event;
}
