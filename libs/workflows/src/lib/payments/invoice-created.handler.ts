import { Injectable } from '@nestjs/common';
import { OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import type { VerifiedWebhook } from '@aia/platform';
import { parseZohoWebhook } from '@aia/zoho';
import { invoiceKey } from './invoice-jobs';
import { InvoicePaymentUseCase } from './invoice-payment.use-case';
import { payableFromWebhook } from './payable-invoice';

function keyOf(webhook: VerifiedWebhook): string | undefined {
  try {
    return invoiceKey(parseZohoWebhook(webhook.payload, 'invoice_created').invoice.invoiceId);
  } catch {
    return undefined; // the handler reports the malformed payload
  }
}

/**
 * Zoho raised an invoice (a new subscription, a renewal, a plan change): pay it. Several deliveries of one
 * invoice (Zoho retries, different event ids) share the invoice's job key and run one after the other; the
 * second finds the invoice paid.
 */
@Injectable()
@OnEvent('zoho', 'invoice_created', { key: keyOf })
export class InvoiceCreatedHandler implements StoredEventHandler {
  constructor(private readonly payment: InvoicePaymentUseCase) {}

  async handle(event: StoredEvent): Promise<void> {
    const { invoice } = parseZohoWebhook(event.payload, 'invoice_created');
    await this.payment.execute({ invoiceId: invoice.invoiceId, invoice: payableFromWebhook(invoice) });
  }
}
