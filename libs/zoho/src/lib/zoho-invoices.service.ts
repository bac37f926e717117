import { Injectable } from '@nestjs/common';
import { ZohoBillingClient } from './zoho-billing.client';
import type { ZohoInvoice, ZohoInvoiceFilter } from './zoho.types';

@Injectable()
export class ZohoInvoicesService {
  constructor(private readonly client: ZohoBillingClient) {}

  /** Full invoice, including the `payments` applied to it. */
  async get(invoiceId: string): Promise<ZohoInvoice> {
    const body = await this.client.read('invoices.get', {
      method: 'GET',
      path: `/invoices/${encodeURIComponent(invoiceId)}`,
    });
    return body['invoice'] as ZohoInvoice;
  }

  /** `GET /invoices?customer_id=&filter_by=Status.*` (invoices.yml), list items. */
  listByCustomer(customerId: string, status: ZohoInvoiceFilter = 'All'): Promise<ZohoInvoice[]> {
    return this.list({ customerId, status });
  }

  list(filter: {
    customerId?: string;
    subscriptionId?: string;
    status?: ZohoInvoiceFilter;
  }): Promise<ZohoInvoice[]> {
    return this.client.listAll<ZohoInvoice>(
      'invoices.list',
      {
        method: 'GET',
        path: '/invoices',
        query: {
          customer_id: filter.customerId,
          subscription_id: filter.subscriptionId,
          filter_by: `Status.${filter.status ?? 'All'}`,
        },
      },
      'invoices',
    );
  }
}
