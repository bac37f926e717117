import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { BraintreeTransactionsService } from '@aia/braintree';
import { INTENT_LOG, JOB_QUEUE, OnJob } from '@aia/events';
import type { IntentLog, JobQueue, JobRunner } from '@aia/events';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { WORKFLOWS_OPTIONS } from '../workflows.options';
import type { WorkflowsModuleOptions } from '../workflows.options';
import { ChargeReversalUseCase } from './charge-reversal.use-case';

export const SETTLEMENT_POLL_JOB = 'workflow.settlement-poll';

interface SettlementPollData {
  slot: number;
}

/**
 * Braintree pushes no settlement outcome for card transactions (its settlement webhooks are for ACH/SEPA,
 * PLATFORMS.md §5), so card sales are polled: every SETTLEMENT_POLL_INTERVAL the sales of the last
 * SETTLEMENT_LOOKBACK that ended `settlement_declined` are reversed like a lost dispute. One job per time
 * slot (the id dedupes it across instances); each run queues the next slot.
 */
@Injectable()
@OnJob(SETTLEMENT_POLL_JOB)
export class SettlementPollRunner implements JobRunner<SettlementPollData>, OnApplicationBootstrap {
  private readonly logger = new Logger(SettlementPollRunner.name);

  constructor(
    private readonly transactions: BraintreeTransactionsService,
    private readonly reversal: ChargeReversalUseCase,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(INTENT_LOG) private readonly handled: IntentLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: WorkflowsModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Seeded where jobs run (APP_ROLE worker, all): the chain goes on from its own runs, so a process that
    // runs none (web) has nothing to start; the slot's job id dedupes the seeds of several workers.
    if (this.options.workers === false) return;
    await this.schedule(this.slotOf(Date.now()) + 1);
  }

  async run(data: SettlementPollData): Promise<void> {
    const { settlementLookbackMs } = this.config.payments;
    const declined = await this.transactions.searchRecent({
      createdSince: new Date(Date.now() - settlementLookbackMs),
      statuses: ['settlement_declined'],
    });
    let reversed = 0;
    for (const t of declined) {
      if (!t.orderId || t.type !== 'sale') continue;
      // Each declined settlement is handled once; the mark is set only after it was, so a failure retries it.
      const mark = `settlement-declined:${t.id}`;
      if (await this.handled.has(mark)) continue;
      const why = `Settlement declined${t.processorSettlementResponseCode ? ` (${t.processorSettlementResponseCode}${t.processorSettlementResponseText ? ` ${t.processorSettlementResponseText}` : ''})` : ''}`;
      if (await this.reversal.reverse({ invoiceId: t.orderId, transactionId: t.id, why })) reversed++;
      await this.handled.record(mark);
    }
    if (reversed) this.logger.warn(`settlement poll: ${reversed} declined settlement(s) reversed`);
    await this.schedule(Math.max(data.slot, this.slotOf(Date.now())) + 1);
  }

  private slotOf(ms: number): number {
    return Math.floor(ms / this.config.payments.settlementPollMs);
  }

  private async schedule(slot: number): Promise<void> {
    const at = slot * this.config.payments.settlementPollMs;
    await this.queue.enqueue<SettlementPollData>(
      SETTLEMENT_POLL_JOB,
      { slot },
      { id: `settlement-poll:${slot}`, key: 'settlement-poll', delayMs: Math.max(0, at - Date.now()) },
    );
  }
}
