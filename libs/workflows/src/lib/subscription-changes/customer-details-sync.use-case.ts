import { Injectable, Logger } from '@nestjs/common';
import { BraintreeCustomersService } from '@aia/braintree';
import { UpstreamError } from '@aia/platform';
import { ZohoCustomersService } from '@aia/zoho';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * The billing name or e-mail corrected on the Attio record → the Zoho customer and the Braintree customer get
 * it. Compares first, so a repeat (or the echo of a change that is already in step) writes nothing. Zoho sends
 * no customer-update webhook (docs/sandbox.md), so nothing comes back to echo.
 */
@Injectable()
export class CustomerDetailsSyncUseCase {
  private readonly logger = new Logger(CustomerDetailsSyncUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly zohoCustomers: ZohoCustomersService,
    private readonly braintreeCustomers: BraintreeCustomersService,
  ) {}

  async execute(record: CustomerRecord): Promise<void> {
    if (!record.zohoCustomerId && !record.braintreeCustomerId) return;
    const email = record.billingEmail?.trim() || undefined;
    const name = (record.billingName ?? record.name).trim() || undefined;
    if (email && !EMAIL.test(email)) {
      await this.records.note(
        record.recordId,
        'Billing details not updated',
        `"${email}" is not an e-mail address.`,
      );
      return;
    }
    const changes: string[] = [];
    if (record.zohoCustomerId) {
      const customer = await this.zohoCustomers.get(record.zohoCustomerId);
      const update = {
        ...(email && customer.email !== email ? { email } : {}),
        ...(name && customer.display_name !== name ? { displayName: name } : {}),
      };
      if (Object.keys(update).length) {
        try {
          await this.zohoCustomers.update(customer.customer_id, update);
          changes.push(`Zoho: ${describe(update)}`);
        } catch (err) {
          if (!(err instanceof UpstreamError && !err.temporary)) throw err;
          await this.records.note(
            record.recordId,
            'Billing details not updated',
            `Zoho refused the change: ${err.message}.`,
          );
          return;
        }
      }
    }
    if (record.braintreeCustomerId && email) {
      const customer = await this.braintreeCustomers.find(record.braintreeCustomerId);
      if (customer && customer.email !== email) {
        const result = await this.braintreeCustomers.update(customer.id, { email });
        if (result.outcome !== 'approved') {
          await this.records.note(
            record.recordId,
            'Billing details not updated',
            `Braintree refused the e-mail ${email}.`,
          );
          return;
        }
        changes.push(`Braintree: e-mail ${email}`);
      }
    }
    if (!changes.length) return;
    await this.records.note(record.recordId, 'Billing details updated', `${changes.join('; ')}.`);
    this.logger.log(`billing details of record ${record.recordId} updated (${changes.join('; ')})`);
  }
}

function describe(update: { email?: string; displayName?: string }): string {
  return [update.displayName && `name ${update.displayName}`, update.email && `e-mail ${update.email}`]
    .filter(Boolean)
    .join(', ');
}
