import { Inject, Injectable, Logger } from '@nestjs/common';
import { JOB_QUEUE, OnJob } from '@aia/events';
import type { JobQueue, JobRunner } from '@aia/events';
import { ZohoInvoicesService } from '@aia/zoho';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { CARD_UPDATED_JOB } from '../use-cases/card-update.use-case';
import type { CardUpdatedJobData } from '../use-cases/card-update.use-case';
import { INVOICE_PAYMENT_JOB, invoiceKey } from './invoice-jobs';
import type { InvoicePaymentJobData } from './invoice-jobs';

/**
 * A new card was saved: every open invoice of the customer is paid now, each as its own job under the
 * invoice's key (so it never races a scheduled retry of the same invoice; whichever runs second finds it paid).
 */
@Injectable()
@OnJob(CARD_UPDATED_JOB)
export class CardUpdatedRunner implements JobRunner<CardUpdatedJobData> {
  private readonly logger = new Logger(CardUpdatedRunner.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly invoices: ZohoInvoicesService,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  async run(data: CardUpdatedJobData): Promise<void> {
    const zohoCustomerId = data.zohoCustomerId ?? (await this.records.get(data.recordId)).zohoCustomerId;
    if (!zohoCustomerId) return;
    const open = (await this.invoices.listByCustomer(zohoCustomerId, 'Unpaid')).filter((i) => i.balance > 0);
    for (const invoice of open) {
      const job: InvoicePaymentJobData = { invoiceId: invoice.invoice_id, reason: 'card_updated' };
      await this.queue.enqueue(INVOICE_PAYMENT_JOB, job, {
        id: `invoice-card:${invoice.invoice_id}:${data.paymentMethodToken}`,
        key: invoiceKey(invoice.invoice_id),
      });
    }
    this.logger.log(
      `card updated for record ${data.recordId}: ${open.length} open invoice(s) queued for payment`,
    );
  }
}
