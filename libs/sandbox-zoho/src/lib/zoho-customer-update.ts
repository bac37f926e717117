import { invalid, ZohoApiError, ZOHO_CODES } from './zoho-errors';
import { zohoTime } from './zoho-format';
import { Body, bool, customFields, EMAIL_PATTERN, num, required, str, termsLabel } from './zoho-input';
import type { ZohoBillingDeps, ZohoBillingService } from './zoho-billing.service';
import type { ZohoAddress, ZohoCustomer, ZohoCustomField } from './zoho-state';

/** Text fields of the update request (customers.yml update-a-customer-request) the emulator stores. */
const TEXT_FIELDS = [
  'salutation',
  'first_name',
  'last_name',
  'company_name',
  'phone',
  'mobile',
  'website',
  'department',
  'designation',
  'notes',
] as const;

/**
 * Custom fields sent are merged into the stored ones by label (a value replaced, a new label added, the
 * others kept), so an update never drops a field it did not name — our `attio_record_id` among them.
 * Whether Zoho replaces the whole list instead is UNCONFIRMED.
 */
function mergeCustomFields(stored: ZohoCustomField[], sent: ZohoCustomField[]): ZohoCustomField[] {
  const out = stored.map((f) => ({ ...f }));
  for (const field of sent) {
    const existing = out.find((f) => f.label === field.label);
    if (existing) existing.value = field.value;
    else out.push({ ...field, index: out.length });
  }
  return out;
}

/**
 * `PUT /customers/{customer_id}` ("Update a customer", customers.yml). The request schema marks
 * `display_name` and `email` required, as on create (its `tax_authority_id/name` concern US sales-tax orgs
 * only and are not required here either); other fields left out keep their values (a partial update,
 * UNCONFIRMED for Zoho). The display name stays unique in the organization, as on create (code 3062).
 * events.yml lists no customer event, so no webhook is sent.
 */
export class ZohoCustomerUpdates {
  constructor(
    private readonly deps: Pick<ZohoBillingDeps, 'state' | 'now' | 'changed'>,
    private readonly billing: ZohoBillingService,
  ) {}

  update(customerId: string, body: Body): ZohoCustomer {
    const { state } = this.deps;
    const customer = this.billing.getCustomer(customerId);
    const displayName = required(body, 'display_name');
    const email = required(body, 'email');
    if (!EMAIL_PATTERN.test(email)) throw invalid('Please enter a valid email address.');
    const owner = state.customersByName.get(displayName.toLowerCase());
    if (owner !== undefined && owner !== customer.customer_id) {
      throw new ZohoApiError(400, ZOHO_CODES.duplicate, `The customer "${displayName}" already exists.`);
    }
    const fields = body['custom_fields'] === undefined ? undefined : customFields(body['custom_fields']);
    const terms = body['payment_terms'] === undefined ? undefined : num(body['payment_terms']);
    if (body['payment_terms'] !== undefined && (terms === undefined || terms < 0)) {
      throw invalid('Invalid value passed for payment_terms');
    }

    const previous = { email: customer.email, display_name: customer.display_name };
    customer.display_name = displayName;
    customer.email = email;
    for (const key of TEXT_FIELDS) if (body[key] !== undefined) customer[key] = str(body[key]);
    for (const key of ['billing_address', 'shipping_address'] as const) {
      const address = body[key];
      if (address && typeof address === 'object') customer[key] = { ...(address as ZohoAddress) };
    }
    if (body['is_portal_enabled'] !== undefined) {
      customer.is_portal_enabled = bool(body['is_portal_enabled'], customer.is_portal_enabled);
    }
    if (terms !== undefined) {
      customer.payment_terms = terms;
      customer.payment_terms_label = str(body['payment_terms_label']) || termsLabel(terms);
    }
    if (fields) customer.custom_fields = mergeCustomFields(customer.custom_fields, fields);
    customer.updated_time = zohoTime(this.deps.now());
    state.reindexCustomer(customer, previous);
    this.deps.changed();
    return customer;
  }
}
