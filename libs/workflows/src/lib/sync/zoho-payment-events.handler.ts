import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import { parseZohoWebhook } from '@aia/zoho';
import type { ZohoWebhookPayment } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, PaymentStatus } from '../customer-record/customer-attributes';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { OUR_PAYMENT_DESCRIPTION } from '../payments/invoice-payment.use-case';

const money = (amount: number, currency?: string) => `${amount.toFixed(2)}${currency ? ` ${currency}` : ''}`;

/**
 * Zoho payments keep Attio in step, also those made outside this service (cash, bank transfer, a payment
 * recorded by hand). A payment this service recorded itself was already written to Attio by the invoice
 * payment, so its payment_thankyou costs nothing more.
 */
@Injectable()
@OnEvent('zoho', ['payment_thankyou', 'payment_refunded'])
export class ZohoPaymentEventsHandler implements StoredEventHandler {
  private readonly logger = new Logger(ZohoPaymentEventsHandler.name);

  constructor(private readonly records: CustomerRecordsService) {}

  async handle(event: StoredEvent): Promise<void> {
    const webhook = parseZohoWebhook(event.payload, ['payment_thankyou', 'payment_refunded'] as const);
    const { payment } = webhook;
    if (webhook.eventType === 'payment_thankyou' && isOurs(payment)) return;
    const record = await this.records.findByZohoCustomerId(payment.customerId);
    if (!record) {
      this.logger.log(
        `${webhook.eventType} for Zoho customer ${payment.customerId}: no Attio record, nothing to update`,
      );
      return;
    }
    if (webhook.eventType === 'payment_thankyou') {
      await this.records.update(record.recordId, {
        [CUSTOMER_ATTRIBUTE.lastPaymentStatus]: PaymentStatus.Paid,
        [CUSTOMER_ATTRIBUTE.lastPaymentAt]: payment.date ?? webhook.eventTime ?? new Date().toISOString(),
      });
      await this.records.note(
        record.recordId,
        `Payment received ${payment.paymentId}`,
        `Zoho recorded a payment of ${money(payment.amount, payment.currencyCode)} (${payment.paymentMode ?? 'unknown mode'}${payment.referenceNumber ? `, reference ${payment.referenceNumber}` : ''}) made outside the card integration.`,
      );
      return;
    }
    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.lastPaymentStatus]: PaymentStatus.Refunded,
    });
    await this.records.note(
      record.recordId,
      `Payment refunded ${payment.paymentId}`,
      `Zoho refunded ${money(payment.amountRefunded || payment.amount, payment.currencyCode)} of payment ${payment.paymentId}${payment.referenceNumber ? ` (reference ${payment.referenceNumber})` : ''}.`,
    );
  }
}

function isOurs(payment: ZohoWebhookPayment): boolean {
  return !!payment.referenceNumber && (payment.description ?? '').startsWith(OUR_PAYMENT_DESCRIPTION);
}
