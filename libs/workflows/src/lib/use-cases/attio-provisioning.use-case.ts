import { Inject, Injectable, Logger } from '@nestjs/common';
import { AttioClient } from '@aia/attio';
import type { AttioAttributeInput, AttioWebhook, AttioWebhookSubscription } from '@aia/attio';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { ZohoPlansService } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTES } from '../customer-record/customer-attributes';
import type { CustomerAttributeSpec } from '../customer-record/customer-attributes';

export type ProvisioningChange =
  | { kind: 'attribute'; slug: string; type: string; input: AttioAttributeInput }
  | { kind: 'option'; attribute: string; title: string }
  | {
      kind: 'webhook';
      targetUrl: string;
      eventTypes: string[];
      /** Webhooks to this URL deleted once the new one exists (`recreateWebhook`: the secret was lost). */
      replaces: string[];
    }
  | {
      /** The existing webhook lacks event types: PATCH its subscriptions (same webhook, same secret). */
      kind: 'webhook-subscriptions';
      webhookId: string;
      targetUrl: string;
      /** The event types added. */
      adds: string[];
      /** The complete list sent: the webhook's own subscriptions (filters kept) plus the added ones. */
      subscriptions: AttioWebhookSubscription[];
    };

/** What `plan()` found: the changes `apply()` would make, and the state of the webhook to this API. */
export interface ProvisioningPlan {
  object: string;
  /** In the order they are applied (an attribute before its options). */
  changes: ProvisioningChange[];
  webhook: {
    targetUrl: string;
    /** A live (active or degraded) webhook already pointing at targetUrl, kept unless recreated. */
    existing?: { id: string; status: AttioWebhook['status']; missingEventTypes: string[] };
  };
}

export interface ProvisioningResult {
  /** What was missing (and, unless dry run, was created), in the order it is applied. */
  changes: ProvisioningChange[];
  applied: boolean;
  /** The new webhook's signing secret: shown once by Attio; store it as ATTIO_WEBHOOK_SECRET. */
  webhookSecret?: string;
  webhookId?: string;
  /**
   * Replaced webhooks whose delete failed: they still exist (and still get events, signed with the lost
   * secret) until deleted by hand. The new webhook exists and its secret is above.
   */
  undeletedWebhooks?: Array<{ webhookId: string; error: unknown }>;
}

/** A webhook apply() just created, with the signing secret Attio shows only in this answer. */
export interface CreatedWebhook {
  webhookId: string;
  secret: string;
  targetUrl: string;
}

export interface ApplyOptions {
  /** Called after each change (progress output). */
  onChange?: (change: ProvisioningChange) => void;
  /**
   * Called as soon as a webhook exists, before anything else can fail: Attio never shows its secret again,
   * so the caller must keep it even if a later step throws.
   */
  onWebhookCreated?: (created: CreatedWebhook) => void;
}

/** The record events the workflows react to (trigger, and later plan/cancel/detail changes). */
export const ATTIO_WEBHOOK_SUBSCRIPTIONS: AttioWebhookSubscription[] = [
  { event_type: 'record.created', filter: null },
  { event_type: 'record.updated', filter: null },
];

/**
 * Makes the Attio workspace ready: every attribute of CUSTOMER_ATTRIBUTES on ATTIO_OBJECT, their select
 * options (subscription_plan: one per active Zoho plan code), and a webhook to this API. `plan()` reads and
 * lists what is missing; `apply(plan)` creates it. Only what is missing is added, so running it again
 * changes nothing. `execute()` is both (or only the plan with `dryRun`).
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
    const plan = await this.plan();
    if (options.dryRun) return { changes: plan.changes, applied: false };
    return this.apply(plan);
  }

  /**
   * Reads the workspace (attributes, options, webhooks) and the active Zoho plans; changes nothing.
   * `recreateWebhook`: plan a new webhook to this API even if one exists (its secret was lost; Attio shows a
   * secret only in the create answer and in the developer settings of the token's integration).
   */
  async plan(options: { recreateWebhook?: boolean } = {}): Promise<ProvisioningPlan> {
    const object = this.config.attio.object;
    const changes: ProvisioningChange[] = [];
    const existing = new Set((await this.attio.listAttributes(object)).map((a) => a.api_slug));
    let planCodes: string[] | undefined;

    for (const spec of [
      ...CUSTOMER_ATTRIBUTES,
      billingEmailAttribute(this.config.subscriptions.billingEmailAttribute),
    ]) {
      const slug = spec.input.api_slug;
      const isNew = !existing.has(slug);
      if (isNew) changes.push({ kind: 'attribute', slug, type: spec.input.type, input: spec.input });
      if (!spec.options) continue;
      const wanted =
        spec.options === 'plans'
          ? (planCodes ??= (await this.plans.list({ status: 'ACTIVE' })).map((p) => p.plan_code))
          : spec.options;
      // Archived options count as present: adding the same title again would clash with them.
      const have = new Set(
        isNew ? [] : (await this.attio.listSelectOptions(object, slug)).map((o) => o.title),
      );
      for (const title of wanted) {
        if (!have.has(title)) changes.push({ kind: 'option', attribute: slug, title });
      }
    }

    const targetUrl = this.webhookTargetUrl();
    const eventTypes = ATTIO_WEBHOOK_SUBSCRIPTIONS.map((s) => s.event_type);
    const live = (await this.attio.listWebhooks()).filter(
      (w) => w.target_url === targetUrl && w.status !== 'inactive',
    );
    const current = live[0];
    const plan: ProvisioningPlan = { object, changes, webhook: { targetUrl } };
    if (current) {
      const subscribed = new Set(current.subscriptions.map((s) => s.event_type));
      plan.webhook.existing = {
        id: current.id.webhook_id,
        status: current.status,
        missingEventTypes: eventTypes.filter((t) => !subscribed.has(t)),
      };
    }
    const missing = plan.webhook.existing?.missingEventTypes ?? [];
    if (current && !options.recreateWebhook && missing.length) {
      changes.push({
        kind: 'webhook-subscriptions',
        webhookId: current.id.webhook_id,
        targetUrl,
        adds: missing,
        subscriptions: [
          ...current.subscriptions,
          ...ATTIO_WEBHOOK_SUBSCRIPTIONS.filter((s) => missing.includes(s.event_type)),
        ],
      });
    }
    if (!current || options.recreateWebhook) {
      changes.push({
        kind: 'webhook',
        targetUrl,
        eventTypes,
        replaces: options.recreateWebhook ? live.map((w) => w.id.webhook_id) : [],
      });
    }
    return plan;
  }

  /**
   * Makes the planned changes in order. `onChange` is called after each one (progress output). A webhook
   * being replaced is deleted only after its successor exists, so no event goes undelivered in between; the
   * new secret goes to `onWebhookCreated` first, and a failed delete is reported in `undeletedWebhooks`
   * instead of thrown (throwing would lose the secret of a webhook that exists).
   */
  async apply(plan: ProvisioningPlan, options: ApplyOptions = {}): Promise<ProvisioningResult> {
    const result: ProvisioningResult = { changes: plan.changes, applied: true };
    for (const change of plan.changes) {
      if (change.kind === 'attribute') {
        await this.attio.createAttribute(plan.object, change.input);
      } else if (change.kind === 'option') {
        await this.attio.createSelectOption(plan.object, change.attribute, change.title);
      } else if (change.kind === 'webhook-subscriptions') {
        await this.attio.updateWebhook(change.webhookId, { subscriptions: change.subscriptions });
      } else {
        const created = await this.attio.createWebhook(
          change.targetUrl,
          ATTIO_WEBHOOK_SUBSCRIPTIONS.filter((s) => change.eventTypes.includes(s.event_type)),
        );
        result.webhookSecret = created.secret;
        result.webhookId = created.id.webhook_id;
        options.onWebhookCreated?.({
          webhookId: created.id.webhook_id,
          secret: created.secret,
          targetUrl: change.targetUrl,
        });
        for (const id of change.replaces) {
          try {
            await this.attio.deleteWebhook(id);
          } catch (error) {
            this.logger.warn(
              `Attio webhook ${id} was replaced by ${created.id.webhook_id} but could not be deleted: ` +
                `${error instanceof Error ? error.message : String(error)}; delete it by hand`,
            );
            (result.undeletedWebhooks ??= []).push({ webhookId: id, error });
          }
        }
      }
      options.onChange?.(change);
    }
    if (plan.changes.length) this.logger.log(`Attio provisioned: ${describeChanges(plan.changes)}`);
    return result;
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

/** One change in words, e.g. `attribute zoho_customer_id (text, unique)`. */
export function describeChange(c: ProvisioningChange): string {
  switch (c.kind) {
    case 'attribute':
      return `attribute ${c.slug} (${c.type}${c.input.is_unique ? ', unique' : ''})`;
    case 'option':
      return `option ${c.attribute}=${c.title}`;
    case 'webhook':
      return `webhook → ${c.targetUrl} (${c.eventTypes.join(', ')})${
        c.replaces.length ? `, replacing ${c.replaces.join(', ')}` : ''
      }`;
    case 'webhook-subscriptions':
      return `webhook ${c.webhookId} → ${c.targetUrl}: also subscribe to ${c.adds.join(', ')} (same webhook and secret)`;
  }
}

export function describeChanges(changes: ProvisioningChange[]): string {
  if (!changes.length) return 'nothing to change';
  return changes.map(describeChange).join(', ');
}
