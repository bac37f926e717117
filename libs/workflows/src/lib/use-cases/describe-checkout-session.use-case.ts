import { Inject, Injectable } from '@nestjs/common';
import type { CheckoutPlanView, CheckoutSessionView } from '@aia/contracts';
import { BraintreePaymentMethodsService } from '@aia/braintree';
import { APP_CONFIG, UpstreamError } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoPlansService } from '@aia/zoho';
import { cardTokenFor } from '../checkout-links/checkout-ids';
import type { CheckoutSessionClaims } from '../checkout-links/checkout-links.port';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { sessionCompleted, sessionNotFound } from './checkout-errors';
import { checkoutSummary, isSubscribed, planView } from './checkout-state';

const notFoundToUndefined = (err: unknown) => {
  if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
  throw err;
};

/**
 * What the checkout page shows for a verified token: the customer, the plan and price, which card fields
 * to use. A session whose work is done answers 409 with its summary; one whose record or plan is gone, 404.
 * Costs two reads, the Attio record and the Zoho plan (update_card: plus the session's card in Braintree).
 */
@Injectable()
export class DescribeCheckoutSessionUseCase {
  constructor(
    private readonly records: CustomerRecordsService,
    private readonly plans: ZohoPlansService,
    private readonly paymentMethods: BraintreePaymentMethodsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(claims: CheckoutSessionClaims): Promise<CheckoutSessionView> {
    const record = await this.records.get(claims.recordId).catch(notFoundToUndefined);
    if (!record) throw sessionNotFound();
    const plan = await this.plan(claims.mode === 'subscribe' ? claims.planCode : record.subscriptionPlan);
    if (claims.mode === 'subscribe') {
      if (isSubscribed(record)) {
        throw sessionCompleted(
          checkoutSummary({ mode: 'subscribe', record, plan, subscriptionStatus: record.subscriptionStatus }),
        );
      }
      if (!plan) throw sessionNotFound();
    } else {
      if (!record.braintreeCustomerId) throw sessionNotFound();
      const card = await this.paymentMethods.find(cardTokenFor(claims.sessionId));
      if (card) {
        throw sessionCompleted(
          checkoutSummary({ mode: 'update_card', record, card: { type: card.cardType, last4: card.last4 } }),
        );
      }
    }
    return this.view(claims, record, plan);
  }

  private async plan(planCode: string | undefined): Promise<CheckoutPlanView | undefined> {
    if (!planCode) return undefined;
    const plan = await this.plans.get(planCode).catch(notFoundToUndefined);
    return plan && planView(plan, this.config.zohoCurrencyCode);
  }

  private view(
    claims: CheckoutSessionClaims,
    record: CustomerRecord,
    plan: CheckoutPlanView | undefined,
  ): CheckoutSessionView {
    const { braintree, checkout } = this.config;
    const sandbox = braintree.environment === 'emulator' && !!braintree.gatewayUrl;
    return {
      mode: claims.mode,
      state: 'open',
      customer: { name: record.name, ...(record.email ? { email: record.email } : {}) },
      ...(plan ? { plan } : {}),
      cardFields: sandbox ? 'sandbox' : 'braintree',
      ...(sandbox
        ? { sandbox: { tokenizeUrl: `${braintree.gatewayUrl?.replace(/\/$/, '')}/__sandbox/tokenize` } }
        : {}),
      threeDSecure: { required: checkout.threeDSecure === 'required' },
      expiresAt: claims.expiresAt.toISOString(),
    };
  }
}
