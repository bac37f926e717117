import { currentText, currentValue } from '@aia/attio';
import type { AttioRecord } from '@aia/attio';
import { CUSTOMER_ATTRIBUTE } from './customer-attributes';

/** What the workflows read from a customer's Attio record, as plain fields. */
export interface CustomerRecord {
  recordId: string;
  webUrl: string;
  name: string;
  email?: string;
  zohoCustomerId?: string;
  braintreeCustomerId?: string;
  zohoSubscriptionId?: string;
  subscriptionStatus?: string;
  subscriptionPlan?: string;
  lastPaymentStatus?: string;
  lastInvoiceNumber?: string;
  checkoutLink?: string;
  /** The attribute and value that ask for a checkout (configurable, so read separately). */
  trigger?: string;
  /** Billing name and e-mail kept in step with Zoho and Braintree (attributes configurable). */
  billingName?: string;
  billingEmail?: string;
}

/** Which configurable attributes to read besides ours. */
export interface CustomerRecordAttributes {
  trigger: string;
  billingName: string;
  billingEmail: string;
}

/** `companies` have `name` (text), `people` a personal name; e-mail is `email_addresses` on people only. */
export function readCustomerRecord(
  record: AttioRecord,
  attributes: CustomerRecordAttributes,
): CustomerRecord {
  const name = currentValue(record, 'name');
  const text = (slug: string) => currentText(record, slug) || undefined;
  return {
    recordId: record.id.record_id,
    webUrl: record.web_url,
    name: String(name?.full_name ?? name?.value ?? '').trim(),
    email: text('email_addresses'),
    zohoCustomerId: text(CUSTOMER_ATTRIBUTE.zohoCustomerId),
    braintreeCustomerId: text(CUSTOMER_ATTRIBUTE.braintreeCustomerId),
    zohoSubscriptionId: text(CUSTOMER_ATTRIBUTE.zohoSubscriptionId),
    subscriptionStatus: text(CUSTOMER_ATTRIBUTE.subscriptionStatus),
    subscriptionPlan: text(CUSTOMER_ATTRIBUTE.subscriptionPlan),
    lastPaymentStatus: text(CUSTOMER_ATTRIBUTE.lastPaymentStatus),
    lastInvoiceNumber: text(CUSTOMER_ATTRIBUTE.lastInvoiceNumber),
    checkoutLink: text(CUSTOMER_ATTRIBUTE.checkoutLink),
    trigger: text(attributes.trigger),
    billingName: text(attributes.billingName),
    billingEmail: text(attributes.billingEmail),
  };
}
