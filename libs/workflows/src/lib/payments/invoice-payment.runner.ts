import { Injectable } from '@nestjs/common';
import { OnJob } from '@aia/events';
import type { JobRunner } from '@aia/events';
import { INVOICE_PAYMENT_JOB } from './invoice-jobs';
import type { InvoicePaymentJobData } from './invoice-jobs';
import { InvoicePaymentUseCase } from './invoice-payment.use-case';

/** Recovery retries and card-update settlements: the same use case, reading the invoice afresh. */
@Injectable()
@OnJob(INVOICE_PAYMENT_JOB)
export class InvoicePaymentRunner implements JobRunner<InvoicePaymentJobData> {
  constructor(private readonly payment: InvoicePaymentUseCase) {}

  async run(data: InvoicePaymentJobData): Promise<void> {
    await this.payment.execute({
      invoiceId: data.invoiceId,
      retry: data.retry,
      firstFailedAt: data.firstFailedAt,
    });
  }
}
