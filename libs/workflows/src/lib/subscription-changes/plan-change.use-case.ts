import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, UpstreamError } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoPlansService, ZohoSubscriptionsService } from '@aia/zoho';
import type { ZohoSubscription } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE } from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';

/** Zoho statuses in which a plan can still be changed. */
const CHANGEABLE = new Set(['live', 'trial', 'non_renewing', 'future', 'unpaid', 'dunning']);

const isPermanent = (err: unknown) => err instanceof UpstreamError && !err.temporary;
const planCodeOf = (s: ZohoSubscription | undefined) => s?.plan?.plan_code ?? s?.plan_code;

/**
 * `subscription_plan` changed on a subscribed record → the Zoho subscription moves to that plan, now or at
 * the end of the term (PLAN_CHANGE_AT); proration is Zoho's, and an invoice it raises is paid like any other.
 * Reads the record's current plan when it runs, so two quick edits end with the last one and a repeat does
 * nothing. A plan Zoho does not know, or a change Zoho refuses, is a note on the record, not a retry loop.
 */
@Injectable()
export class PlanChangeUseCase {
  private readonly logger = new Logger(PlanChangeUseCase.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly plans: ZohoPlansService,
    private readonly subscriptions: ZohoSubscriptionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(record: CustomerRecord): Promise<void> {
    const wanted = record.subscriptionPlan;
    if (!wanted || !record.zohoSubscriptionId) return;
    const subscription = await this.subscriptions.get(record.zohoSubscriptionId);
    const current = planCodeOf(subscription);
    if (current === wanted) return;
    const endOfTerm = this.config.subscriptions.planChangeAt === 'end_of_term';
    // An end-of-term change already scheduled (a repeat, or two quick edits) is only visible here.
    if (endOfTerm && planCodeOf(await this.scheduled(subscription.subscription_id)) === wanted) return;
    const refuse = (why: string) =>
      this.records.note(
        record.recordId,
        'Plan change not applied',
        `${CUSTOMER_ATTRIBUTE.subscriptionPlan} was set to ${wanted}, but ${why}. The subscription stays on ${current ?? 'its plan'}.`,
      );
    if (!CHANGEABLE.has(subscription.status))
      return refuse(`the Zoho subscription is ${subscription.status}`);
    try {
      await this.plans.get(wanted);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'not_found')
        return refuse(`Zoho has no plan "${wanted}"`);
      throw err;
    }
    try {
      await this.subscriptions.update(subscription.subscription_id, { planCode: wanted, endOfTerm });
    } catch (err) {
      if (isPermanent(err)) return refuse(`Zoho refused the change (${(err as Error).message})`);
      throw err;
    }
    const when = endOfTerm
      ? `at the end of the current term${subscription.current_term_ends_at ? ` (${subscription.current_term_ends_at})` : ''}`
      : 'now; Zoho prorates the difference';
    await this.records.note(
      record.recordId,
      'Plan changed',
      `Plan changed from ${current} to ${wanted} ${when}.`,
    );
    this.logger.log(
      `subscription ${subscription.subscription_id}: ${current} → ${wanted} (${endOfTerm ? 'end of term' : 'now'})`,
    );
  }

  /** The subscription as it will be from the next term; none when Zoho refuses the look-up (nothing scheduled). */
  private async scheduled(subscriptionId: string): Promise<ZohoSubscription | undefined> {
    try {
      return await this.subscriptions.getScheduledChanges(subscriptionId);
    } catch (err) {
      if (isPermanent(err)) return undefined;
      throw err;
    }
  }
}
