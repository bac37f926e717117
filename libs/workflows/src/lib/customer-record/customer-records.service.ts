import { Inject, Injectable } from '@nestjs/common';
import { AttioClient } from '@aia/attio';
import type { AttioValuesInput } from '@aia/attio';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { CUSTOMER_ATTRIBUTE } from './customer-attributes';
import { readCustomerRecord } from './customer-record';
import type { CustomerRecord } from './customer-record';

/** The customer records on ATTIO_OBJECT: reads as CustomerRecord, writes of our attributes, notes. */
@Injectable()
export class CustomerRecordsService {
  readonly object: string;
  private attributeIds?: Promise<Map<string, string>>;

  constructor(
    private readonly attio: AttioClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.object = config.attio.object;
  }

  async get(recordId: string): Promise<CustomerRecord> {
    return this.read(await this.attio.getRecord(this.object, recordId));
  }

  async findByZohoCustomerId(zohoCustomerId: string): Promise<CustomerRecord | undefined> {
    const record = await this.attio.findRecordByAttribute(
      this.object,
      CUSTOMER_ATTRIBUTE.zohoCustomerId,
      zohoCustomerId,
    );
    return record && this.read(record);
  }

  /** PATCH of our attributes; the same values twice is harmless, so it is safe to repeat. */
  async update(recordId: string, values: AttioValuesInput): Promise<CustomerRecord> {
    return this.read(await this.attio.patchRecord(this.object, recordId, values));
  }

  /** A note on the record: the audit trail people read. Repeats are detected by title and content. */
  async note(recordId: string, title: string, content: string): Promise<void> {
    await this.attio.createNote({ parentObject: this.object, parentRecordId: recordId, title, content });
  }

  /**
   * The attribute id behind a slug (record.updated events name the attribute by id). Listed once and kept:
   * ids never change; a failed listing is forgotten so the next call tries again.
   */
  async attributeId(slug: string): Promise<string | undefined> {
    this.attributeIds ??= this.attio.listAttributes(this.object).then(
      (list) => new Map(list.map((a) => [a.api_slug, a.id.attribute_id])),
      (err) => {
        this.attributeIds = undefined;
        throw err;
      },
    );
    return (await this.attributeIds).get(slug);
  }

  private read(record: Parameters<typeof readCustomerRecord>[0]): CustomerRecord {
    return readCustomerRecord(record, {
      trigger: this.config.checkout.triggerAttribute,
      billingName: this.config.subscriptions.billingNameAttribute,
      billingEmail: this.config.subscriptions.billingEmailAttribute,
    });
  }
}
