import type { CheckoutPlanView, CheckoutSummary } from '@aia/contracts';
import type { ZohoPlan } from '@aia/zoho';
import { SubscriptionStatus } from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';

/** Statuses that mean "a checkout is still wanted": anything else with both ids set is a subscribed customer. */
const AWAITING_CHECKOUT = new Set<string>([SubscriptionStatus.SendCheckout, SubscriptionStatus.CheckoutSent]);

/**
 * A subscribe session is complete once Attio shows the customer subscribed. Attio is the truth here (no
 * local session store): the completion writes both ids and the status in one PATCH, its last step.
 */
export function isSubscribed(record: CustomerRecord): boolean {
  return (
    !!record.zohoSubscriptionId &&
    !!record.braintreeCustomerId &&
    !AWAITING_CHECKOUT.has(record.subscriptionStatus ?? '')
  );
}

const UNITS = new Set(['days', 'weeks', 'months', 'years']);

export function planView(plan: ZohoPlan, currency: string): CheckoutPlanView {
  const unit = UNITS.has(plan.interval_unit) ? plan.interval_unit : 'months';
  return {
    code: plan.plan_code,
    name: plan.name,
    price: plan.recurring_price,
    currency,
    interval: plan.interval,
    intervalUnit: unit as CheckoutPlanView['intervalUnit'],
    ...(plan.description ? { description: plan.description } : {}),
  };
}

export function checkoutSummary(input: {
  mode: CheckoutSummary['mode'];
  record: CustomerRecord;
  plan?: CheckoutPlanView;
  card?: { type: string; last4: string };
  subscriptionStatus?: string;
  completedAt?: Date;
}): CheckoutSummary {
  return {
    mode: input.mode,
    customerName: input.record.name,
    ...(input.plan
      ? { planName: input.plan.name, price: input.plan.price, currency: input.plan.currency }
      : {}),
    ...(input.card ? { card: input.card } : {}),
    ...(input.subscriptionStatus ? { subscriptionStatus: input.subscriptionStatus } : {}),
    completedAt: (input.completedAt ?? new Date()).toISOString(),
  };
}
