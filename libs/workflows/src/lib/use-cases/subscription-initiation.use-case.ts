import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BillingDetails, CheckoutSummary } from '@aia/contracts';
import { BraintreeCustomersService, BraintreePaymentMethodsService } from '@aia/braintree';
import type { CustomerSummary } from '@aia/braintree';
import { KEYED_LOCK } from '@aia/events';
import type { KeyedLock } from '@aia/events';
import { APP_CONFIG, UpstreamError } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoCustomersService, ZohoPlansService, ZohoSubscriptionsService } from '@aia/zoho';
import type { ZohoCustomer, ZohoSubscription } from '@aia/zoho';
import {
  braintreeCustomerIdFor,
  cardTokenFor,
  subscriptionReferenceFor,
} from '../checkout-links/checkout-ids';
import type { CheckoutSessionClaims } from '../checkout-links/checkout-links.port';
import { CUSTOMER_ATTRIBUTE, SubscriptionStatus } from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { cardRefused, sessionCompleted, sessionNotFound } from './checkout-errors';
import { withCompletionLock } from './completion-lock';
import { checkoutSummary, isSubscribed, planView } from './checkout-state';
import { requireLiabilityShift } from './three-d-secure-check';

export interface CompleteCheckoutCommand {
  claims: CheckoutSessionClaims;
  nonce: string;
  deviceData?: string;
  billing: BillingDetails;
}

export { COMPLETION_LOCK_TTL_MS, COMPLETION_LOCK_WAIT_MS } from './completion-lock';

/** Zoho statuses of a subscription that is still running (reused rather than created again). */
const LIVE_SUBSCRIPTION = new Set(['live', 'trial', 'future', 'non_renewing', 'unpaid', 'dunning']);

/**
 * Checkout completion (subscribe mode): with CHECKOUT_3DS=required the nonce's 3-D Secure liability shift is
 * checked first (three-d-secure-check.ts; nothing is created for a nonce without one), then the Braintree customer with the card vaulted and verified, Zoho customer
 * (both ids then written to the Attio record), Zoho subscription, then its id and the status on the record. Each step first finds what an earlier
 * run made (ARCHITECTURE.md §5), so a double submit, two tabs or a retry after a crash between any two steps
 * end with one customer and one subscription; completions of one record never overlap (KEYED_LOCK).
 */
@Injectable()
export class SubscriptionInitiationUseCase {
  private readonly logger = new Logger(SubscriptionInitiationUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly plans: ZohoPlansService,
    private readonly zohoCustomers: ZohoCustomersService,
    private readonly subscriptions: ZohoSubscriptionsService,
    private readonly braintreeCustomers: BraintreeCustomersService,
    private readonly paymentMethods: BraintreePaymentMethodsService,
    @Inject(KEYED_LOCK) private readonly lock: KeyedLock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute(command: CompleteCheckoutCommand): Promise<CheckoutSummary> {
    return withCompletionLock(
      this.lock,
      command.claims.recordId,
      'Your payment is still being processed. Please wait a moment and reload the page.',
      () => this.run(command),
    );
  }

  private async run({ claims, nonce, billing }: CompleteCheckoutCommand): Promise<CheckoutSummary> {
    const record = await this.records.get(claims.recordId);
    const zohoPlan = claims.planCode
      ? await this.plans.get(claims.planCode).catch((err) => {
          if (err instanceof UpstreamError && err.kind === 'not_found') throw sessionNotFound();
          throw err;
        })
      : undefined;
    if (!zohoPlan) throw sessionNotFound();
    const plan = planView(zohoPlan, this.config.zohoCurrencyCode);
    if (isSubscribed(record)) {
      throw sessionCompleted(
        checkoutSummary({ mode: 'subscribe', record, plan, subscriptionStatus: record.subscriptionStatus }),
      );
    }
    // Before any write (no Braintree customer, no Zoho call): a nonce without a liability shift is refused.
    await requireLiabilityShift(this.config, this.paymentMethods, nonce);

    const braintree = await this.braintreeCustomer(record, claims, nonce, billing);
    const zohoCustomer = await this.zohoCustomer(record, billing);
    // The customer ids go onto the record before the subscription exists: Zoho raises the first invoice the
    // moment it is created, and the invoice-payment workflow finds the card through these two ids.
    if (
      record.braintreeCustomerId !== braintree.id ||
      record.zohoCustomerId !== zohoCustomer.customer_id ||
      record.billingEmail !== billing.email
    ) {
      await this.records.update(record.recordId, {
        [CUSTOMER_ATTRIBUTE.braintreeCustomerId]: braintree.id,
        [CUSTOMER_ATTRIBUTE.zohoCustomerId]: zohoCustomer.customer_id,
        // What the customer typed at checkout is the billing e-mail Zoho and Braintree now hold.
        [this.config.subscriptions.billingEmailAttribute]: billing.email,
      });
    }
    const subscription = await this.subscription(record, zohoCustomer, zohoPlan.plan_code);

    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.zohoSubscriptionId]: subscription.subscription_id,
      [CUSTOMER_ATTRIBUTE.subscriptionStatus]: SubscriptionStatus.Active,
      [CUSTOMER_ATTRIBUTE.checkoutLink]: null,
    });
    const card = braintree.paymentMethods.find((p) => p.isDefault) ?? braintree.paymentMethods[0];
    await this.records.note(
      record.recordId,
      'Subscription started',
      [
        `Checkout completed for plan ${plan.name} (${plan.code}), ${plan.price} ${plan.currency}.`,
        card ? `Card: ${card.cardType} ending ${card.last4}.` : undefined,
        `Braintree customer ${braintree.id}; Zoho customer ${zohoCustomer.customer_id}; Zoho subscription ${subscription.subscription_id} (${subscription.status}).`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
    this.logger.log(
      `checkout completed for record ${record.recordId}: subscription ${subscription.subscription_id}`,
    );
    return checkoutSummary({
      mode: 'subscribe',
      record,
      plan,
      card: card && { type: card.cardType, last4: card.last4 },
      subscriptionStatus: SubscriptionStatus.Active,
    });
  }

  /**
   * Step 1. A new customer is created with our id and the card verified and vaulted in one call (a declined
   * verification creates nothing). A customer that already exists (a returning customer, or an earlier run
   * of this checkout) gets the card as its new default; the card's token is the session's, so the same
   * session never vaults twice.
   */
  private async braintreeCustomer(
    record: CustomerRecord,
    claims: CheckoutSessionClaims,
    nonce: string,
    billing: BillingDetails,
  ): Promise<CustomerSummary> {
    const id = record.braintreeCustomerId ?? braintreeCustomerIdFor(record.recordId);
    const cardToken = cardTokenFor(claims.sessionId);
    const existing = await this.braintreeCustomers.find(id);
    if (existing) {
      if (existing.paymentMethods.some((p) => p.token === cardToken)) return existing;
      const added = await this.paymentMethods.create({
        customerId: id,
        paymentMethodNonce: nonce,
        verifyCard: true,
        makeDefault: true,
        token: cardToken,
      });
      if (added.outcome !== 'approved') throw cardRefused(added);
      return (await this.braintreeCustomers.find(id)) ?? existing;
    }
    const [firstName, ...rest] = billing.name.trim().split(/\s+/);
    const created = await this.braintreeCustomers.create({
      id,
      paymentMethodNonce: nonce,
      verifyCard: true,
      cardToken,
      email: billing.email,
      firstName,
      lastName: rest.join(' ') || undefined,
      company: billing.company,
    });
    if (created.outcome !== 'approved') throw cardRefused(created);
    return created.value;
  }

  /** Step 2: the id on the record; else found by e-mail and confirmed by our record id; else created. */
  private async zohoCustomer(record: CustomerRecord, billing: BillingDetails): Promise<ZohoCustomer> {
    if (record.zohoCustomerId) {
      try {
        return await this.zohoCustomers.get(record.zohoCustomerId);
      } catch (err) {
        if (!(err instanceof UpstreamError && err.kind === 'not_found')) throw err;
        this.logger.warn(
          `Zoho customer ${record.zohoCustomerId} on record ${record.recordId} is gone; finding or creating another`,
        );
      }
    }
    const found = await this.zohoCustomers.findByReference(record.recordId, billing.email);
    if (found) return found;
    const name = billing.company || record.name || billing.name;
    const create = (displayName: string) =>
      this.zohoCustomers.create({
        displayName,
        companyName: billing.company || record.name || undefined,
        email: billing.email,
        attioRecordId: record.recordId,
        currencyCode: this.config.zohoCurrencyCode,
      });
    try {
      return await create(name);
    } catch (err) {
      // Zoho display names are unique per organization; another customer may have this one (code 3062).
      if (!(err instanceof UpstreamError && err.kind === 'conflict')) throw err;
      return create(`${name} (${record.recordId.slice(0, 8)})`);
    }
  }

  /** Step 3: a running subscription of this customer to this plan is reused; else one is created. */
  private async subscription(
    record: CustomerRecord,
    customer: ZohoCustomer,
    planCode: string,
  ): Promise<ZohoSubscription> {
    if (record.zohoSubscriptionId) {
      const held = await this.subscriptions.get(record.zohoSubscriptionId).catch((err) => {
        if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
        throw err;
      });
      if (held && LIVE_SUBSCRIPTION.has(held.status)) return held;
    }
    const running = (await this.subscriptions.listByCustomer(customer.customer_id, 'All')).find(
      (s) => LIVE_SUBSCRIPTION.has(s.status) && (s.plan_code ?? s.plan?.plan_code) === planCode,
    );
    if (running) return this.subscriptions.get(running.subscription_id);
    // We charge through Braintree ourselves: no Zoho auto-collect (the invoice-payment workflow pays).
    return this.subscriptions.create({
      customerId: customer.customer_id,
      planCode,
      autoCollect: false,
      referenceId: subscriptionReferenceFor(record.recordId),
    });
  }
}
