import { Injectable } from '@nestjs/common';
import { UpstreamError } from '@aia/platform';
import { ZohoBillingClient } from './zoho-billing.client';
import type { ZohoCustomer, ZohoCustomField } from './zoho.types';

/**
 * Label of the Zoho customer custom field holding the Attio record id (ARCHITECTURE.md §5: the Zoho customer
 * is keyed by the Attio record id). In live Zoho the field must exist in Settings › Preferences › Customers.
 */
export const ATTIO_REFERENCE_FIELD = 'attio_record_id';

export interface CreateZohoCustomerInput {
  displayName: string;
  email: string;
  /** The Attio record id; stored in the ATTIO_REFERENCE_FIELD custom field and used for the repeat check. */
  attioRecordId: string;
  companyName?: string;
  firstName?: string;
  lastName?: string;
  currencyCode?: string;
  paymentTerms?: number;
  customFields?: ZohoCustomField[];
}

const hasReference = (c: ZohoCustomer, ref: string) =>
  (c.custom_fields ?? []).some((f) => f.label === ATTIO_REFERENCE_FIELD && f.value === ref);

@Injectable()
export class ZohoCustomersService {
  constructor(private readonly client: ZohoBillingClient) {}

  async get(customerId: string): Promise<ZohoCustomer> {
    const body = await this.client.read('customers.get', {
      method: 'GET',
      path: `/customers/${encodeURIComponent(customerId)}`,
    });
    return body['customer'] as ZohoCustomer;
  }

  /** `GET /customers?email=`: community usage, not in customers.yml (UNCONFIRMED). List items only. */
  findByEmail(email: string): Promise<ZohoCustomer[]> {
    return this.client.listAll<ZohoCustomer>(
      'customers.findByEmail',
      { method: 'GET', path: '/customers', query: { email, filter_by: 'Status.All' } },
      'customers',
    );
  }

  /**
   * The customer holding our Attio reference. First `GET /customers/reference/{id}` (customers.yml; Zoho
   * documents it for CRM ids, the sandbox also matches custom fields). If that finds nothing and an e-mail is
   * known, the customers with that e-mail are read in full and matched on the custom field — the path that
   * works with real Zoho, where custom-field search is UNCONFIRMED.
   */
  async findByReference(attioRecordId: string, email?: string): Promise<ZohoCustomer | undefined> {
    try {
      const body = await this.client.read('customers.findByReference', {
        method: 'GET',
        path: `/customers/reference/${encodeURIComponent(attioRecordId)}`,
      });
      const customer = body['customer'] as ZohoCustomer;
      if (!customer.custom_fields || hasReference(customer, attioRecordId)) return customer;
    } catch (err) {
      if (!(err instanceof UpstreamError && err.kind === 'not_found')) throw err;
    }
    if (!email) return undefined;
    for (const item of await this.findByEmail(email)) {
      const full = await this.get(item.customer_id);
      if (hasReference(full, attioRecordId)) return full;
    }
    return undefined;
  }

  /** Creates the customer; after an ambiguous failure it looks the reference up before sending again. */
  create(input: CreateZohoCustomerInput): Promise<ZohoCustomer> {
    const json = {
      display_name: input.displayName,
      email: input.email,
      company_name: input.companyName,
      first_name: input.firstName,
      last_name: input.lastName,
      currency_code: input.currencyCode,
      payment_terms: input.paymentTerms,
      custom_fields: [
        { label: ATTIO_REFERENCE_FIELD, value: input.attioRecordId },
        ...(input.customFields ?? []),
      ],
    };
    return this.client.write(
      'customers.create',
      { method: 'POST', path: '/customers', json },
      (b) => b['customer'] as ZohoCustomer,
      {
        kind: 'check',
        find: () => this.findByReference(input.attioRecordId, input.email),
      },
    );
  }
}
