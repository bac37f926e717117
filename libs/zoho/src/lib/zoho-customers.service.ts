import { Injectable } from '@nestjs/common';
import { ZohoBillingClient } from './zoho-billing.client';
import type { ZohoCustomer, ZohoCustomField, ZohoPageContext } from './zoho.types';

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

/** Fields of `PUT /customers/{id}` (customers.yml "Update a customer"); those left out keep their values. */
export interface UpdateZohoCustomerInput {
  displayName?: string;
  email?: string;
  companyName?: string;
  firstName?: string;
  lastName?: string;
}

const hasReference = (c: ZohoCustomer, ref: string) =>
  (c.custom_fields ?? []).some((f) => f.label === ATTIO_REFERENCE_FIELD && f.value === ref);

/** 200 a page: Zoho's default (https://www.zoho.com/billing/api/v1/pagination) and the emulator's maximum. */
const PAGE_SIZE = 200;
/**
 * Pages read when scanning the customer list (200 each, i.e. 100 000 customers). Past it the scan fails loudly
 * rather than miss a customer and let the caller create a duplicate.
 */
const MAX_SCAN_PAGES = 500;

const sameEmail = (a: string | undefined, b: string) =>
  !!a && a.trim().toLowerCase() === b.trim().toLowerCase();

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

  /** The customers with this e-mail (list items: no custom fields), from a scan of the customer list. */
  async findByEmail(email: string): Promise<ZohoCustomer[]> {
    const found: ZohoCustomer[] = [];
    for await (const item of this.listWithEmail(email, 'customers.findByEmail')) found.push(item);
    return found;
  }

  /**
   * The customer holding our Attio reference (ARCHITECTURE.md §5: the id stored on the Attio record, which the
   * caller reads; else this lookup; then create). Only lookups Zoho documents are used: the customer list
   * (`GET /customers`, whose only documented filter is `filter_by=Status.*`, with `page`/`per_page`; each item
   * carries `email` — ../shared/specs/zoho-billing/customers.yml, list-all-customers-response) is scanned for
   * the e-mail, and each candidate is read in full (`GET /customers/{id}`, which carries `custom_fields`) and
   * matched on ATTIO_REFERENCE_FIELD. customers.yml documents no `email` or `search_text` filter for customers,
   * nor a search by custom field, and `GET /customers/reference/{id}` takes Zoho CRM account/contact ids only
   * ("Retrieve a customer Using CRM Reference", `reference_id_type=zcrm_account_id|zcrm_contact_id`): not ours.
   * Cost: one read per 200 customers until the match (all pages when there is none), plus one per candidate.
   */
  async findByReference(attioRecordId: string, email: string): Promise<ZohoCustomer | undefined> {
    for await (const item of this.listWithEmail(email, 'customers.findByReference')) {
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

  /**
   * Updates the customer. customers.yml's update-a-customer-request marks `display_name` and `email` required
   * (as on create), so when either is left out the current value is read first and sent back unchanged
   * (a change made in Zoho between that read and the PUT would be overwritten). Other fields left out are
   * not sent. Zoho sends no webhook for it (events.yml has no customer event). A PUT of the same values is
   * harmless to repeat, so an ambiguous failure simply re-sends it.
   */
  async update(customerId: string, input: UpdateZohoCustomerInput): Promise<ZohoCustomer> {
    let { displayName, email } = input;
    if (displayName === undefined || email === undefined) {
      const current = await this.get(customerId);
      displayName ??= current.display_name;
      email ??= current.email;
    }
    const json = {
      display_name: displayName,
      email,
      company_name: input.companyName,
      first_name: input.firstName,
      last_name: input.lastName,
    };
    return this.client.write(
      'customers.update',
      { method: 'PUT', path: `/customers/${encodeURIComponent(customerId)}`, json },
      (b) => b['customer'] as ZohoCustomer,
      { kind: 'idempotent' },
    );
  }

  /** Scans `GET /customers?filter_by=Status.All` page by page for items with this e-mail (any case). */
  private async *listWithEmail(email: string, operation: string): AsyncGenerator<ZohoCustomer> {
    for (let page = 1; page <= MAX_SCAN_PAGES; page++) {
      const body = await this.client.read(operation, {
        method: 'GET',
        path: '/customers',
        query: { filter_by: 'Status.All', page, per_page: PAGE_SIZE },
      });
      for (const item of (body['customers'] as ZohoCustomer[] | undefined) ?? []) {
        if (sameEmail(item.email, email)) yield item;
      }
      if (!(body['page_context'] as ZohoPageContext | undefined)?.has_more_page) return;
    }
    throw new Error(`more than ${MAX_SCAN_PAGES * PAGE_SIZE} Zoho customers: the e-mail scan stopped`);
  }
}
