import type { AttioAttributeInput } from '@aia/attio';

/**
 * The attributes this service keeps on the customer's Attio record (ARCHITECTURE.md §4): the ids that tie
 * the record to Zoho and Braintree, and the statuses people read. Slugs are fixed; the provisioning use
 * case creates whatever is missing.
 */
export const CUSTOMER_ATTRIBUTE = {
  zohoCustomerId: 'zoho_customer_id',
  braintreeCustomerId: 'braintree_customer_id',
  zohoSubscriptionId: 'zoho_subscription_id',
  subscriptionStatus: 'subscription_status',
  subscriptionPlan: 'subscription_plan',
  lastPaymentStatus: 'last_payment_status',
  checkoutLink: 'checkout_link',
  lastPaymentAt: 'last_payment_at',
  lastInvoiceNumber: 'last_invoice_number',
} as const;

/** `subscription_status` options. People set the `*_requested`/`send_checkout` ones; the service sets the rest. */
export const SubscriptionStatus = {
  SendCheckout: 'send_checkout',
  CheckoutSent: 'checkout_sent',
  Active: 'active',
  PastDue: 'past_due',
  Unpaid: 'unpaid',
  CancelRequested: 'cancel_requested',
  Cancelling: 'cancelling',
  Cancelled: 'cancelled',
  ReactivateRequested: 'reactivate_requested',
} as const;
export type SubscriptionStatus = (typeof SubscriptionStatus)[keyof typeof SubscriptionStatus];

export const PaymentStatus = {
  Paid: 'paid',
  Failed: 'failed',
  Refunded: 'refunded',
  Disputed: 'disputed',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export interface CustomerAttributeSpec {
  input: AttioAttributeInput;
  /** Select options that must exist (titles); `plans` = one option per active Zoho plan code. */
  options?: readonly string[] | 'plans';
}

const text = (api_slug: string, title: string, description: string, is_unique = false) => ({
  input: { api_slug, title, description, type: 'text' as const, is_unique },
});

export const CUSTOMER_ATTRIBUTES: readonly CustomerAttributeSpec[] = [
  text(CUSTOMER_ATTRIBUTE.zohoCustomerId, 'Zoho customer ID', 'Set by the billing integration', true),
  text(
    CUSTOMER_ATTRIBUTE.braintreeCustomerId,
    'Braintree customer ID',
    'Set by the billing integration',
    true,
  ),
  text(CUSTOMER_ATTRIBUTE.zohoSubscriptionId, 'Zoho subscription ID', 'Set by the billing integration'),
  {
    input: {
      api_slug: CUSTOMER_ATTRIBUTE.subscriptionStatus,
      title: 'Subscription status',
      description: 'Set to send_checkout to e-mail a checkout link; the integration keeps the rest in step',
      type: 'select',
    },
    options: Object.values(SubscriptionStatus),
  },
  {
    input: {
      api_slug: CUSTOMER_ATTRIBUTE.subscriptionPlan,
      title: 'Subscription plan',
      description: 'Zoho Billing plan code',
      type: 'select',
    },
    options: 'plans',
  },
  {
    input: {
      api_slug: CUSTOMER_ATTRIBUTE.lastPaymentStatus,
      title: 'Last payment status',
      description: 'Set by the billing integration',
      type: 'select',
    },
    options: Object.values(PaymentStatus),
  },
  text(CUSTOMER_ATTRIBUTE.checkoutLink, 'Checkout link', 'Signed link for the customer; cleared once used'),
  {
    input: {
      api_slug: CUSTOMER_ATTRIBUTE.lastPaymentAt,
      title: 'Last payment at',
      description: 'Set by the billing integration',
      type: 'timestamp',
    },
  },
  text(CUSTOMER_ATTRIBUTE.lastInvoiceNumber, 'Last invoice number', 'Set by the billing integration'),
];
