import { Inject, Injectable, Logger } from '@nestjs/common';
import { AttioClient } from '@aia/attio';
import type { AttioWebhookSubscription } from '@aia/attio';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoPlansService } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTES } from '../customer-record/customer-attributes';
import type { CustomerAttributeSpec } from '../customer-record/customer-attributes';

export type ProvisioningChange =
  | { kind: 'attribute'; slug: string; type: string }
  | { kind: 'option'; attribute: string; title: string }
  | { kind: 'webhook'; targetUrl: string };

export interface ProvisioningResult {
  /** What was missing (and, unless dry run, was created), in the order it is applied. */
  changes: ProvisioningChange[];
  applied: boolean;
  /** The new webhook's signing secret: shown once by Attio; store it as ATTIO_WEBHOOK_SECRET. */
  webhookSecret?: string;
}

/** The record events the workflows react to (trigger, and later plan/cancel/detail changes). */
export const ATTIO_WEBHOOK_SUBSCRIPTIONS: AttioWebhookSubscription[] = [
  { event_type: 'record.created', filter: null },
  { event_type: 'record.updated', filter: null },
];

/**
 * Makes the Attio workspace ready: every attribute of CUSTOMER_ATTRIBUTES on ATTIO_OBJECT, their select
 * options (subscription_plan: one per active Zoho plan code), and a webhook to this API. Only adds what is
 * missing, so running it again changes nothing. `dryRun` reports the changes without making them.
 */
@Injectable()
export class AttioProvisioningUseCase {
  private readonly logger = new Logger(AttioProvisioningUseCase.name);

  constructor(
    private readonly attio: AttioClient,
    private readonly plans: ZohoPlansService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  webhookTargetUrl(): string {
    return `${this.config.publicApiUrl.replace(/\/$/, '')}/webhooks/attio`;
  }

  async execute(options: { dryRun?: boolean } = {}): Promise<ProvisioningResult> {
    const object = this.config.attio.object;
    const changes: ProvisioningChange[] = [];
    const apply = !options.dryRun;
    const existing = new Set((await this.attio.listAttributes(object)).map((a) => a.api_slug));
    let planCodes: string[] | undefined;

    for (const spec of [
      ...CUSTOMER_ATTRIBUTES,
      billingEmailAttribute(this.config.subscriptions.billingEmailAttribute),
    ]) {
      const slug = spec.input.api_slug;
      const isNew = !existing.has(slug);
      if (isNew) {
        changes.push({ kind: 'attribute', slug, type: spec.input.type });
        if (apply) await this.attio.createAttribute(object, spec.input);
      }
      if (!spec.options) continue;
      const wanted =
        spec.options === 'plans'
          ? (planCodes ??= (await this.plans.list({ status: 'ACTIVE' })).map((p) => p.plan_code))
          : spec.options;
      const have = new Set(
        isNew && !apply ? [] : (await this.attio.listSelectOptions(object, slug)).map((o) => o.title),
      );
      for (const title of wanted) {
        if (have.has(title)) continue;
        changes.push({ kind: 'option', attribute: slug, title });
        if (apply) await this.attio.createSelectOption(object, slug, title);
      }
    }

    const targetUrl = this.webhookTargetUrl();
    const webhooks = await this.attio.listWebhooks();
    let webhookSecret: string | undefined;
    if (!webhooks.some((w) => w.target_url === targetUrl && w.status !== 'inactive')) {
      changes.push({ kind: 'webhook', targetUrl });
      if (apply)
        webhookSecret = (await this.attio.createWebhook(targetUrl, ATTIO_WEBHOOK_SUBSCRIPTIONS)).secret;
    }
    if (apply && changes.length) this.logger.log(`Attio provisioned: ${describeChanges(changes)}`);
    return { changes, applied: apply, webhookSecret };
  }
}

/** The billing e-mail lives in a configurable attribute; one of ours (created if missing) by default. */
function billingEmailAttribute(slug: string): CustomerAttributeSpec {
  return {
    input: {
      api_slug: slug,
      title: 'Billing e-mail',
      description: 'Invoices go here; kept in step with Zoho and Braintree',
      type: 'email-address',
    },
  };
}

export function describeChanges(changes: ProvisioningChange[]): string {
  if (!changes.length) return 'nothing to change';
  return changes
    .map((c) =>
      c.kind === 'attribute'
        ? `attribute ${c.slug} (${c.type})`
        : c.kind === 'option'
          ? `option ${c.attribute}=${c.title}`
          : `webhook → ${c.targetUrl}`,
    )
    .join(', ');
}
