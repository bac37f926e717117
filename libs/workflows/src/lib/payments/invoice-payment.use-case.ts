import { Inject, Injectable, Logger } from '@nestjs/common';
import { BraintreeTransactionsService } from '@aia/braintree';
import type { BraintreeOutcome, Charge } from '@aia/braintree';
import { AlertService, INTENT_LOG, PermanentJobError } from '@aia/events';
import type { IntentLog } from '@aia/events';
import { DomainError } from '@aia/platform';
import { ZohoInvoicesService, ZohoPaymentsService } from '@aia/zoho';
import {
  CUSTOMER_ATTRIBUTE,
  PaymentStatus,
  SubscriptionStatus,
} from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { payableFromApi } from './payable-invoice';
import type { PayableInvoice } from './payable-invoice';
import { PaymentRecoveryUseCase } from './payment-recovery.use-case';

export interface InvoicePaymentCommand {
  invoiceId: string;
  /** The webhook's copy of the invoice: trusted only when nothing was ever attempted for it. */
  invoice?: PayableInvoice;
  /** Recovery bookkeeping carried by retry jobs. */
  retry?: number;
  firstFailedAt?: number;
}

export type InvoicePaymentResult =
  | { outcome: 'paid'; transactionId: string; alreadyCharged: boolean }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'declined'; transactionId?: string };

/** How the Zoho payments this service records are described; their payment_thankyou needs no second write. */
export const OUR_PAYMENT_DESCRIPTION = 'Braintree transaction ';

/** Statuses of a subscription that a successful payment brings back to active. */
const RECOVERED = new Set<string>([SubscriptionStatus.PastDue, SubscriptionStatus.Unpaid]);
const OPEN = new Set(['sent', 'overdue', 'partially_paid', 'pending', 'unpaid']);

/**
 * Pays one Zoho invoice from the customer's vaulted card, exactly once (ARCHITECTURE.md §5):
 * 1. skip an invoice that is paid, void or has nothing to pay;
 * 2. find the Attio record by zoho_customer_id (a missing mapping dead-letters with what to fix);
 * 3. charge the default card (orderId = invoice id) — looking for an earlier charge first unless the intent
 *    log proves this is the invoice's first attempt ever;
 * 4. status and a note on the Attio record;
 * 5. record the Zoho payment (reference = transaction id) unless the invoice already has it — last, because
 *    a paid invoice is what makes every later attempt skip it.
 * First attempt, happy path: 5 upstream calls (Attio query, sale, Zoho payment, Attio patch, Attio note).
 * Runs under the invoice's job key, so never twice at once for one invoice. A decline goes to recovery.
 */
@Injectable()
export class InvoicePaymentUseCase {
  private readonly logger = new Logger(InvoicePaymentUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly invoices: ZohoInvoicesService,
    private readonly payments: ZohoPaymentsService,
    private readonly transactions: BraintreeTransactionsService,
    private readonly recovery: PaymentRecoveryUseCase,
    private readonly alerts: AlertService,
    @Inject(INTENT_LOG) private readonly intents: IntentLog,
  ) {}

  async execute(command: InvoicePaymentCommand): Promise<InvoicePaymentResult> {
    const intent = await this.intents.record(`invoice-charge:${command.invoiceId}`);
    const invoice =
      intent.first && command.invoice
        ? command.invoice
        : payableFromApi(await this.invoices.get(command.invoiceId));
    const skip = this.skipReason(invoice);
    if (skip) {
      this.logger.log(`invoice ${invoice.invoiceId} not charged: ${skip}`);
      return { outcome: 'skipped', reason: skip };
    }
    const record = await this.customerOf(invoice);
    const customerId = record.braintreeCustomerId as string;

    let outcome: BraintreeOutcome<Charge>;
    try {
      outcome = await this.transactions.chargeOnce(
        {
          orderId: invoice.invoiceId,
          amount: invoice.balance.toFixed(2),
          currencyIsoCode: invoice.currencyCode,
          customerId,
        },
        { firstAttempt: intent.first },
      );
    } catch (err) {
      // No merchant account for the currency (or another refusal before any send): retrying cannot help.
      if (err instanceof DomainError && err.code === 'validation_failed') {
        throw new PermanentJobError(`invoice ${invoice.invoiceId} cannot be charged: ${err.message}`, err);
      }
      throw err;
    }
    if (outcome.outcome !== 'approved') {
      await this.recovery.declined({
        invoice,
        record,
        outcome,
        retry: command.retry,
        firstFailedAt: command.firstFailedAt,
      });
      return {
        outcome: 'declined',
        transactionId: 'transaction' in outcome ? outcome.transaction?.id : undefined,
      };
    }
    const charge = outcome.value;
    if (charge.duplicates.length) {
      this.alerts.notify(
        `charged-twice:${invoice.invoiceId}`,
        `:rotating_light: Invoice ${invoice.number} (${invoice.invoiceId}) was charged ${charge.duplicates.length + 1} times in Braintree (${[charge, ...charge.duplicates].map((t) => t.id).join(', ')}). Refund the extra charges by hand; nothing is refunded automatically.`,
      );
    }
    // Attio first, the Zoho payment last: once Zoho shows the invoice paid a retry skips it, so every step
    // before that must be done (a crash or an Attio outage between the two would otherwise leave Attio
    // showing the previous invoice for good; the chaos suite found it). Attio then tells the truth early:
    // the money was taken; reconciliation heals a payment that Zoho never got.
    await this.markPaid(record, invoice, charge);
    await this.recordPayment(invoice, charge);
    return { outcome: 'paid', transactionId: charge.id, alreadyCharged: charge.alreadyExisted };
  }

  private skipReason(invoice: PayableInvoice): string | undefined {
    if (invoice.status === 'paid') return 'already paid';
    if (invoice.status === 'void') return 'void';
    if (invoice.status === 'draft') return 'still a draft';
    if (!(invoice.balance > 0)) return 'nothing to pay';
    if (!OPEN.has(invoice.status)) return `status ${invoice.status}`;
    return undefined;
  }

  private async customerOf(invoice: PayableInvoice): Promise<CustomerRecord> {
    const record = await this.records.findByZohoCustomerId(invoice.customerId);
    if (!record) {
      throw new PermanentJobError(
        `no Attio record has ${CUSTOMER_ATTRIBUTE.zohoCustomerId} = ${invoice.customerId} (invoice ${invoice.number}): ` +
          `set it on the customer's record (or complete their checkout), then retry this event`,
      );
    }
    if (!record.braintreeCustomerId) {
      throw new PermanentJobError(
        `the Attio record ${record.recordId} of Zoho customer ${invoice.customerId} has no ${CUSTOMER_ATTRIBUTE.braintreeCustomerId}: ` +
          `the customer has no card on file; send them a checkout link, then retry this event`,
      );
    }
    return record;
  }

  /**
   * Step 4. A payment can carry this transaction id only if the transaction came from an earlier attempt
   * (found by search); a transaction this call created is new to Zoho, so its first recording needs no look-up.
   */
  private async recordPayment(invoice: PayableInvoice, charge: Charge): Promise<void> {
    if (charge.alreadyExisted) {
      const existing = await this.payments.findByReference(invoice.invoiceId, charge.id);
      if (existing) return;
    }
    const amount = Number(charge.amount);
    await this.payments.create({
      customerId: invoice.customerId,
      amount,
      paymentMode: 'creditcard',
      referenceNumber: charge.id,
      invoices: [{ invoiceId: invoice.invoiceId, amountApplied: amount }],
      description: `${OUR_PAYMENT_DESCRIPTION}${charge.id}`,
    });
  }

  private async markPaid(record: CustomerRecord, invoice: PayableInvoice, charge: Charge): Promise<void> {
    const number = invoice.number;
    await this.records.update(record.recordId, {
      [CUSTOMER_ATTRIBUTE.lastPaymentStatus]: PaymentStatus.Paid,
      [CUSTOMER_ATTRIBUTE.lastPaymentAt]: new Date().toISOString(),
      [CUSTOMER_ATTRIBUTE.lastInvoiceNumber]: number,
      ...(RECOVERED.has(record.subscriptionStatus ?? '')
        ? { [CUSTOMER_ATTRIBUTE.subscriptionStatus]: SubscriptionStatus.Active }
        : {}),
    });
    await this.records.note(
      record.recordId,
      `Paid ${number}`,
      `Paid ${number} ${Number(charge.amount).toFixed(2)} ${charge.currencyIsoCode}, Braintree ${charge.id}.`,
    );
    this.logger.log(`invoice ${invoice.invoiceId} paid by transaction ${charge.id}`);
  }
}
