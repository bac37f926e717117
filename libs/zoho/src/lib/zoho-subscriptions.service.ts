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
          try {
            const sub = await this.get(subscriptionId);
            return sub.status === target ? sub : undefined;
          } catch (err) {
            if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
            throw err;
          }
        },
      },
    );
  }
}
