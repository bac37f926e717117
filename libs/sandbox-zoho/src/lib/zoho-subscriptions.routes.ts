import type { FastifyInstance } from 'fastify';
import {
  body,
  created,
  filterValue,
  ids,
  ok,
  paginate,
  params,
  query,
  ResourceRouteDeps,
} from './zoho-route-helpers';
import { subscriptionListItem, subscriptionView } from './zoho-views';

const SUBSCRIPTION_FILTERS: Record<string, string[] | undefined> = {
  All: undefined,
  ACTIVE: ['live', 'trial', 'non_renewing', 'dunning', 'future'],
  LIVE: ['live'],
  FUTURE: ['future'],
  TRIAL: ['trial'],
  PAST_DUE: ['dunning'],
  UNPAID: ['unpaid'],
  NON_RENEWING: ['non_renewing'],
  CANCELLED: ['cancelled'],
  EXPIRED: ['expired'],
};

/**
 * `/subscriptions` (subscription.yml), registered inside the authenticated Billing scope. Success messages
 * are the examples of the spec's response schemas.
 */
export function registerSubscriptionRoutes(api: FastifyInstance, deps: ResourceRouteDeps): void {
  const { billing, changes, state } = deps;
  const id = (req: Parameters<typeof params>[0]) => params(req)['subscription_id'];

  api.post('/subscriptions', async (req, reply) =>
    created(reply, 'Subscription has been created successfully.', {
      subscription: subscriptionView(billing.createSubscription(body(req)), state),
    }),
  );
  api.get('/subscriptions', async (req) => {
    const q = query(req);
    const status = filterValue(q, 'SubscriptionStatus', SUBSCRIPTION_FILTERS);
    const allowed = SUBSCRIPTION_FILTERS[status];
    const source = q['customer_id']
      ? ids(state.subscriptionsByCustomer.get(q['customer_id'])).map((s) => billing.getSubscription(s))
      : [...state.subscriptions.values()];
    const ref = q['reference_contains'];
    const subs = source.filter(
      (s) => (!allowed || allowed.includes(s.status)) && (!ref || s.reference_id.includes(ref)),
    );
    const { page, page_context } = paginate(subs, q, 'Subscriptions', `SubscriptionStatus.${status}`);
    return ok('success', {
      subscriptions: page.map((s) => subscriptionListItem(s, state)),
      page_context,
    });
  });
  api.get('/subscriptions/:subscription_id', async (req) =>
    ok('success', { subscription: subscriptionView(billing.getSubscription(id(req)), state) }),
  );
  api.put('/subscriptions/:subscription_id', async (req) =>
    ok('Subscription has been updated successfully.', {
      subscription: subscriptionView(changes.update(id(req), body(req)), state),
    }),
  );
  api.get('/subscriptions/:subscription_id/scheduledchanges', async (req) =>
    ok('success', { subscription: changes.scheduledView(id(req)) }),
  );
  api.post('/subscriptions/:subscription_id/cancel', async (req) => {
    const raw = query(req)['cancel_at_end'] ?? String(body(req)['cancel_at_end'] ?? 'false');
    const sub = billing.cancelSubscription(id(req), raw === 'true');
    const message =
      sub.status === 'non_renewing'
        ? 'Your subscription will be cancelled at the end of the current term.'
        : 'Your subscription has been cancelled.';
    return ok(message, { subscription: subscriptionView(sub, state) });
  });
  api.post('/subscriptions/:subscription_id/reactivate', async (req) =>
    ok('Subscription has been reactivated successfully.', {
      subscription: subscriptionView(changes.reactivate(id(req)), state),
    }),
  );
}
