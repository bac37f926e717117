import { Injectable } from '@nestjs/common';
import { RepeatStrategy, UpstreamError } from '@aia/platform';
import { ZohoBillingClient } from './zoho-billing.client';
import type { ZohoCustomField, ZohoSubscription, ZohoSubscriptionFilter } from './zoho.types';

export interface CreateZohoSubscriptionInput {
  customerId: string;
  planCode: string;
  quantity?: number;
  /** Overrides the plan's price. */
  price?: number;
  /** `YYYY-MM-DD`; a future date gives status `future` (subscription.yml `starts_at`). */
  startsAt?: string;
  /**
   * false (default): offline subscription — we charge through Braintree ourselves and record payments.
   * true would make Zoho charge a card on file and needs `cardId` (subscription.yml x-required_info).
   */
  autoCollect?: boolean;
  cardId?: string;
  /**
   * Our reference (e.g. the checkout session id). Required for a safe repeat: after an ambiguous failure
   * the customer's subscriptions are searched for it before sending again. Without it the create is never
   * re-sent after an ambiguous failure.
   */
  referenceId?: string;
  customFields?: ZohoCustomField[];
  paymentTerms?: number;
}

/** A plan change (`PUT /subscriptions/{id}`, subscription.yml "Update a subscription"). */
export interface UpdateZohoSubscriptionInput {
  planCode: string;
  /**
   * false: now, prorated (an upgrade raises an invoice for the rest of the term less the unused old plan).
   * true: when the current term ends (subscription.yml `end_of_term`); the renewal bills the new plan.
   */
  endOfTerm: boolean;
  /**
   * Left out, Zoho may reset it to 1 as on create (whether it keeps the current quantity is UNCONFIRMED):
   * send it to keep a seat count.
   */
  quantity?: number;
}

const ACTIVE = new Set(['live', 'trial', 'future', 'non_renewing', 'dunning', 'unpaid']);

@Injectable()
export class ZohoSubscriptionsService {
  constructor(private readonly client: ZohoBillingClient) {}

  async get(subscriptionId: string): Promise<ZohoSubscription> {
    const body = await this.client.read('subscriptions.get', {
      method: 'GET',
      path: `/subscriptions/${encodeURIComponent(subscriptionId)}`,
    });
    return body['subscription'] as ZohoSubscription;
  }

  /** `GET /subscriptions?customer_id=&filter_by=SubscriptionStatus.*` (list items, not full records). */
  listByCustomer(customerId: string, status: ZohoSubscriptionFilter = 'All'): Promise<ZohoSubscription[]> {
    return this.client.listAll<ZohoSubscription>(
      'subscriptions.listByCustomer',
      {
        method: 'GET',
        path: '/subscriptions',
        query: { customer_id: customerId, filter_by: `SubscriptionStatus.${status}` },
      },
      'subscriptions',
    );
  }

  create(input: CreateZohoSubscriptionInput): Promise<ZohoSubscription> {
    const json = {
      customer_id: input.customerId,
      plan: { plan_code: input.planCode, quantity: input.quantity, price: input.price },
      starts_at: input.startsAt,
      auto_collect: input.autoCollect ?? false,
      card_id: input.cardId,
      reference_id: input.referenceId,
      custom_fields: input.customFields,
      payment_terms: input.paymentTerms,
    };
    const repeat: RepeatStrategy<ZohoSubscription> = input.referenceId
      ? { kind: 'check', find: () => this.findByReference(input.customerId, input.referenceId as string) }
      : { kind: 'never' };
    return this.client.write(
      'subscriptions.create',
      { method: 'POST', path: '/subscriptions', json },
      (b) => b['subscription'] as ZohoSubscription,
      repeat,
    );
  }

  /** A not-ended subscription of the customer carrying our reference, read in full. */
  async findByReference(customerId: string, referenceId: string): Promise<ZohoSubscription | undefined> {
    const match = (await this.listByCustomer(customerId)).find(
      (s) => s.reference_id === referenceId && ACTIVE.has(s.status),
    );
    return match ? this.get(match.subscription_id) : undefined;
  }

  /**
   * `GET /subscriptions/{id}/scheduledchanges` (subscription.yml "View Scheduled Changes": "To view the End of
   * Term changes"): the subscription as it will be billed from the next term. `GET /subscriptions/{id}`
   * carries no scheduled change (retrieve-a-subscription-response has no such field). With nothing
   * scheduled the sandbox answers the subscription as it is; Zoho's answer then is UNCONFIRMED.
   */
  async getScheduledChanges(subscriptionId: string): Promise<ZohoSubscription> {
    const body = await this.client.read('subscriptions.scheduledChanges', {
      method: 'GET',
      path: `/subscriptions/${encodeURIComponent(subscriptionId)}/scheduledchanges`,
    });
    return body['subscription'] as ZohoSubscription;
  }

  /**
   * Changes the plan now or at the end of the term. After an ambiguous failure the change is looked for
   * before sending again, because an immediate change sent twice could raise a second prorated invoice:
   * - now: `GET /subscriptions/{id}` already on the plan (and quantity, when given) → it happened;
   * - end of term: `GET …/scheduledchanges` shows the plan → it happened (answered with the current
   *   subscription, as the PUT would have). If that lookup is refused (a 4xx: Zoho's answer with nothing
   *   scheduled is UNCONFIRMED) the change counts as not made and is sent again, which is harmless for an
   *   end-of-term change: it only replaces the scheduled change with the same one, and nothing is billed.
   */
  update(subscriptionId: string, input: UpdateZohoSubscriptionInput): Promise<ZohoSubscription> {
    const json = {
      plan: { plan_code: input.planCode, quantity: input.quantity },
      end_of_term: input.endOfTerm,
    };
    const matches = (s: ZohoSubscription) =>
      s.plan?.plan_code === input.planCode &&
      (input.quantity === undefined || s.plan?.quantity === input.quantity);
    return this.client.write(
      'subscriptions.update',
      { method: 'PUT', path: `/subscriptions/${encodeURIComponent(subscriptionId)}`, json },
      (b) => b['subscription'] as ZohoSubscription,
      {
        kind: 'check',
        find: async () => {
          if (!input.endOfTerm) {
            const sub = await this.getUnlessMissing(subscriptionId);
            return sub && matches(sub) ? sub : undefined;
          }
          try {
            const next = await this.getScheduledChanges(subscriptionId);
            return matches(next) ? this.get(subscriptionId) : undefined;
          } catch (err) {
            if (err instanceof UpstreamError && !err.temporary) return undefined;
            throw err;
          }
        },
      },
    );
  }

  /**
   * `POST /subscriptions/{id}/reactivate`: a `non_renewing` subscription becomes `live` again (subscription.yml
   * allows only those; the sandbox also takes `cancelled` ones, see docs/sandbox.md). Zoho refuses a live one,
   * so after an ambiguous failure the subscription is read first: already `live` → it happened.
   */
  reactivate(subscriptionId: string): Promise<ZohoSubscription> {
    return this.client.write(
      'subscriptions.reactivate',
      { method: 'POST', path: `/subscriptions/${encodeURIComponent(subscriptionId)}/reactivate` },
      (b) => b['subscription'] as ZohoSubscription,
      {
        kind: 'check',
        find: async () => {
          const sub = await this.getUnlessMissing(subscriptionId);
          return sub?.status === 'live' ? sub : undefined;
        },
      },
    );
  }

  /**
   * `POST /subscriptions/{id}/cancel?cancel_at_end=` — at term end gives `non_renewing`, now gives
   * `cancelled`. A repeat after an ambiguous failure first reads the subscription: if it is already in the
   * target state the cancel happened (a second cancel would be refused by Zoho).
   */
  cancel(subscriptionId: string, options: { atEnd: boolean }): Promise<ZohoSubscription> {
    const target = options.atEnd ? 'non_renewing' : 'cancelled';
    return this.client.write(
      'subscriptions.cancel',
      {
        method: 'POST',
        path: `/subscriptions/${encodeURIComponent(subscriptionId)}/cancel`,
        query: { cancel_at_end: options.atEnd },
      },
      (b) => b['subscription'] as ZohoSubscription,
      {
        kind: 'check',
        find: async () => {
          const sub = await this.getUnlessMissing(subscriptionId);
          return sub?.status === target ? sub : undefined;
        },
      },
    );
  }

  /** The subscription, or undefined when Zoho says it does not exist (a repeat then gets the real error). */
  private async getUnlessMissing(subscriptionId: string): Promise<ZohoSubscription | undefined> {
    try {
      return await this.get(subscriptionId);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }
}
