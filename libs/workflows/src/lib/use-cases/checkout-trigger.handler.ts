import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseAttioWebhook } from '@aia/attio';
import type { AttioWebhookEvent } from '@aia/attio';
import { OnEvent } from '@aia/events';
import type { StoredEvent, StoredEventHandler } from '@aia/events';
import { APP_CONFIG, DomainError, ErrorCode, UpstreamError } from '@aia/platform';
import type { AppConfig, VerifiedWebhook } from '@aia/platform';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { SendCheckoutLinkUseCase } from './send-checkout-link.use-case';

const RECORD_EVENTS = ['record.created', 'record.updated'];

/** Events of one delivery that concern a single record run under that record's key, one at a time. */
function recordKey(webhook: VerifiedWebhook): string | undefined {
  try {
    const ids = new Set(parseAttioWebhook(webhook.payload).events.map((e) => e.recordId));
    const [only] = ids;
    return ids.size === 1 && only ? `attio-record:${only}` : undefined;
  } catch {
    return undefined; // the handler reports the malformed payload
  }
}

/**
 * Trigger: `subscription_status` (CHECKOUT_TRIGGER_ATTRIBUTE) set to `send_checkout` (CHECKOUT_TRIGGER_VALUE)
 * on a record of ATTIO_OBJECT → a checkout link on the record. Every event of a delivery is handled (Attio
 * may batch). Loop-safe by construction: our own writes never set the trigger value, so the record.updated
 * events they cause read the record and stop.
 */
@Injectable()
@OnEvent('attio', RECORD_EVENTS, { key: recordKey })
export class CheckoutTriggerHandler implements StoredEventHandler {
  private readonly logger = new Logger(CheckoutTriggerHandler.name);

  constructor(
    private readonly records: CustomerRecordsService,
    private readonly sendLink: SendCheckoutLinkUseCase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const delivery = parseAttioWebhook(event.payload);
    for (const e of delivery.events) await this.handleOne(e);
  }

  private async handleOne(e: AttioWebhookEvent): Promise<void> {
    if (!RECORD_EVENTS.includes(e.eventType) || !e.recordId) return;
    const { triggerAttribute, triggerValue } = this.config.checkout;
    // An update of another attribute (our own id writes, a salesperson's edits) needs no read at all.
    if (e.attributeId && e.attributeId !== (await this.records.attributeId(triggerAttribute))) return;
    const record = await this.readRecord(e.recordId);
    if (!record || record.trigger !== triggerValue) return;
    try {
      await this.sendLink.execute({ recordId: record.recordId, mode: 'subscribe' });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCode.ValidationFailed) throw err;
      // Something a person must fix on the record (no plan, unknown plan): say so there, don't retry.
      this.logger.warn(`checkout not sent for record ${record.recordId}: ${err.message}`);
      await this.records.note(record.recordId, 'Checkout link not sent', `${err.message}.`);
    }
  }

  /** A record of another object, or one deleted since, is not ours to act on. */
  private async readRecord(recordId: string) {
    try {
      return await this.records.get(recordId);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }
}
