import { HttpRequest, RateLimit, UpstreamError, UpstreamPolicy } from '@aia/platform';
import { classifyAttioError } from './attio-error.classifier';
import { AttioSendPacer } from './attio-send-pacer';
import type { AttioHttpTransport } from './attio-http.transport';
import type {
  AttioAttribute,
  AttioAttributeInput,
  AttioCreatedWebhook,
  AttioNote,
  AttioNoteInput,
  AttioQuery,
  AttioRecord,
  AttioSelectOption,
  AttioSelf,
  AttioValuesInput,
  AttioWebhook,
  AttioWebhookSubscription,
  AttioWebhookUpdate,
} from './attio.types';

export interface AttioClientConfig {
  /** Base URL including `/v2` (AppConfig.attio.apiUrl). */
  apiUrl: string;
  apiToken: string;
  /** Send-time pacing (see AttioSendPacer); normally the policy's own rate limits. None when unset. */
  pacing?: { read: RateLimit; write: RateLimit };
}

type Method = HttpRequest['method'];

/**
 * Typed Attio REST v2 client. Every call goes through the Attio UpstreamPolicy: reads as `read`, PATCH/PUT/
 * assert as idempotent writes (the same values twice is harmless), creates as writes with a repeat check
 * that asks Attio whether the first attempt landed before re-sending. Errors are UpstreamErrors classified
 * by `classifyAttioError`.
 */
export class AttioClient {
  private readonly pacers: { read: AttioSendPacer; write: AttioSendPacer } | undefined;

  constructor(
    private readonly policy: UpstreamPolicy,
    private readonly transport: AttioHttpTransport,
    private readonly config: AttioClientConfig,
  ) {
    const pacing = config.pacing;
    this.pacers = pacing && {
      read: new AttioSendPacer(pacing.read),
      write: new AttioSendPacer(pacing.write),
    };
  }

  // ---- records ------------------------------------------------------------------------------------

  queryRecords(object: string, query: AttioQuery = {}): Promise<AttioRecord[]> {
    return this.policy.read('records.query', (signal) =>
      this.send<{ data: AttioRecord[] }>(
        'records.query',
        'POST',
        `objects/${enc(object)}/records/query`,
        signal,
        {
          json: query,
        },
      ).then((r) => r.data),
    );
  }

  /** The record whose attribute equals `value` (shorthand `$eq` filter), or undefined. */
  async findRecordByAttribute(
    object: string,
    attribute: string,
    value: string | number | boolean,
  ): Promise<AttioRecord | undefined> {
    const [record] = await this.queryRecords(object, { filter: { [attribute]: value }, limit: 1 });
    return record;
  }

  getRecord(object: string, recordId: string): Promise<AttioRecord> {
    return this.policy.read('records.get', (signal) =>
      this.send<{ data: AttioRecord }>(
        'records.get',
        'GET',
        `objects/${enc(object)}/records/${enc(recordId)}`,
        signal,
      ).then((r) => r.data),
    );
  }

  /**
   * Creates a record. `uniqueAttribute` names a unique attribute present in `values`: after an ambiguous
   * failure the policy looks the record up by it before re-sending, so a retry never duplicates. Without
   * it the create is re-sent only when Attio surely did not process it (429, connection refused).
   * Prefer `assertRecord` when such an attribute exists and an update of an existing record is acceptable.
   */
  createRecord(
    object: string,
    values: AttioValuesInput,
    options: { uniqueAttribute?: string } = {},
  ): Promise<AttioRecord> {
    const unique = options.uniqueAttribute;
    const key = unique ? firstScalar(values[unique]) : undefined;
    if (unique && key === undefined) {
      throw new Error(`createRecord: values has no scalar value for the unique attribute "${unique}"`);
    }
    return this.policy.write(
      'records.create',
      (signal) =>
        this.send<{ data: AttioRecord }>('records.create', 'POST', `objects/${enc(object)}/records`, signal, {
          json: { data: { values } },
        }).then((r) => r.data),
      unique && key !== undefined
        ? { kind: 'check', find: () => this.findRecordByAttribute(object, unique, key) }
        : { kind: 'never' },
    );
  }

  /** PATCH: replaces single values, appends multiselect values. Same values twice is harmless. */
  patchRecord(object: string, recordId: string, values: AttioValuesInput): Promise<AttioRecord> {
    return this.updateRecord('records.patch', 'PATCH', object, recordId, values);
  }

  /** PUT: replaces single values and overwrites (or removes) multiselect values. */
  putRecord(object: string, recordId: string, values: AttioValuesInput): Promise<AttioRecord> {
    return this.updateRecord('records.put', 'PUT', object, recordId, values);
  }

  /** Create-or-update keyed by a unique attribute (`PUT …/records?matching_attribute=`); idempotent. */
  assertRecord(object: string, matchingAttribute: string, values: AttioValuesInput): Promise<AttioRecord> {
    return this.policy.write(
      'records.assert',
      (signal) =>
        this.send<{ data: AttioRecord }>('records.assert', 'PUT', `objects/${enc(object)}/records`, signal, {
          query: { matching_attribute: matchingAttribute },
          json: { data: { values } },
        }).then((r) => r.data),
      { kind: 'idempotent' },
    );
  }

  // ---- attributes ---------------------------------------------------------------------------------

  listAttributes(object: string): Promise<AttioAttribute[]> {
    return this.policy.read('attributes.list', (signal) =>
      this.send<{ data: AttioAttribute[] }>(
        'attributes.list',
        'GET',
        `objects/${enc(object)}/attributes`,
        signal,
      ).then((r) => r.data),
    );
  }

  /** Creates an attribute; after an ambiguous failure it first checks whether the slug now exists. */
  createAttribute(object: string, input: AttioAttributeInput): Promise<AttioAttribute> {
    const data = {
      description: null,
      is_required: false,
      is_unique: false,
      is_multiselect: false,
      config: {},
      ...input,
    };
    return this.policy.write(
      'attributes.create',
      (signal) =>
        this.send<{ data: AttioAttribute }>(
          'attributes.create',
          'POST',
          `objects/${enc(object)}/attributes`,
          signal,
          {
            json: { data },
          },
        ).then((r) => r.data),
      {
        kind: 'check',
        find: async () => (await this.listAttributes(object)).find((a) => a.api_slug === input.api_slug),
      },
    );
  }

  /** Options of a select attribute (`GET …/attributes/{attribute}/options`), archived ones included. */
  listSelectOptions(object: string, attribute: string): Promise<AttioSelectOption[]> {
    return this.policy.read('options.list', (signal) =>
      this.send<{ data: AttioSelectOption[] }>(
        'options.list',
        'GET',
        `objects/${enc(object)}/attributes/${enc(attribute)}/options`,
        signal,
        { query: { show_archived: true } },
      ).then((r) => r.data),
    );
  }

  /** Adds a select option; after an ambiguous failure it first checks whether the title now exists. */
  createSelectOption(object: string, attribute: string, title: string): Promise<AttioSelectOption> {
    return this.policy.write(
      'options.create',
      (signal) =>
        this.send<{ data: AttioSelectOption }>(
          'options.create',
          'POST',
          `objects/${enc(object)}/attributes/${enc(attribute)}/options`,
          signal,
          { json: { data: { title } } },
        ).then((r) => r.data),
      {
        kind: 'check',
        find: async () => (await this.listSelectOptions(object, attribute)).find((o) => o.title === title),
      },
    );
  }

  // ---- notes --------------------------------------------------------------------------------------

  /**
   * Creates a note. Repeat check: a note on the same record with the same title and content counts as the
   * first attempt having landed (notes are the audit trail; a duplicate would mislead a reader).
   */
  createNote(input: AttioNoteInput): Promise<AttioNote> {
    const format = input.format ?? 'plaintext';
    return this.policy.write(
      'notes.create',
      (signal) =>
        this.send<{ data: AttioNote }>('notes.create', 'POST', 'notes', signal, {
          json: {
            data: {
              parent_object: input.parentObject,
              parent_record_id: input.parentRecordId,
              title: input.title,
              format,
              content: input.content,
            },
          },
        }).then((r) => r.data),
      {
        kind: 'check',
        find: async () =>
          (await this.listNotes(input.parentObject, input.parentRecordId)).find(
            (n) =>
              n.title === input.title &&
              (format === 'markdown' ? n.content_markdown : n.content_plaintext) === input.content,
          ),
      },
    );
  }

  /** Notes on one record (Attio pages notes at max 50; enough for the repeat check on fresh writes). */
  listNotes(parentObject: string, parentRecordId: string): Promise<AttioNote[]> {
    return this.policy.read('notes.list', (signal) =>
      this.send<{ data: AttioNote[] }>('notes.list', 'GET', 'notes', signal, {
        query: { parent_object: parentObject, parent_record_id: parentRecordId, limit: 50 },
      }).then((r) => r.data),
    );
  }

  // ---- webhooks -----------------------------------------------------------------------------------

  /**
   * Creates a webhook; the answer is the only place Attio reveals its signing secret. If an attempt fails
   * ambiguously, a webhook it may have created is useless (its secret was never seen), so the repeat
   * check deletes such orphans (same target and subscriptions, created during this call) and re-sends.
   */
  createWebhook(targetUrl: string, subscriptions: AttioWebhookSubscription[]): Promise<AttioCreatedWebhook> {
    // A second of slack for clock skew between us and Attio.
    const startedAtMs = Date.now() - 1000;
    return this.policy.write<AttioCreatedWebhook>(
      'webhooks.create',
      (signal) =>
        this.send<{ data: AttioCreatedWebhook }>('webhooks.create', 'POST', 'webhooks', signal, {
          json: { data: { target_url: targetUrl, subscriptions } },
        }).then((r) => r.data),
      {
        kind: 'check',
        find: async (): Promise<AttioCreatedWebhook | undefined> => {
          const orphans = (await this.listWebhooks()).filter(
            (w) =>
              w.target_url === targetUrl &&
              Date.parse(w.created_at) >= startedAtMs &&
              JSON.stringify(w.subscriptions) === JSON.stringify(subscriptions),
          );
          for (const orphan of orphans) await this.deleteWebhook(orphan.id.webhook_id);
          return undefined;
        },
      },
    );
  }

  listWebhooks(): Promise<AttioWebhook[]> {
    return this.policy.read('webhooks.list', (signal) =>
      this.send<{ data: AttioWebhook[] }>('webhooks.list', 'GET', 'webhooks', signal).then((r) => r.data),
    );
  }

  /**
   * "Update a webhook" (`PATCH /v2/webhooks/{webhook_id}`,
   * https://docs.attio.com/rest-api/endpoint-reference/webhooks/update-a-webhook): changes its target URL
   * and/or subscriptions; the webhook keeps its id and signing secret (the answer does not carry it). Whether
   * `subscriptions` replaces or extends the list is not stated, so pass the complete list wanted. The same
   * body twice is harmless: an idempotent write.
   */
  updateWebhook(webhookId: string, update: AttioWebhookUpdate): Promise<AttioWebhook> {
    return this.policy.write(
      'webhooks.update',
      (signal) =>
        this.send<{ data: AttioWebhook }>('webhooks.update', 'PATCH', `webhooks/${enc(webhookId)}`, signal, {
          json: { data: update },
        }).then((r) => r.data),
      { kind: 'idempotent' },
    );
  }

  /** Deletes a webhook; already gone (404, e.g. a retry after a lost answer) counts as done. */
  async deleteWebhook(webhookId: string): Promise<void> {
    try {
      await this.policy.write(
        'webhooks.delete',
        (signal) => this.send<unknown>('webhooks.delete', 'DELETE', `webhooks/${enc(webhookId)}`, signal),
        { kind: 'idempotent' },
      );
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'not_found') return;
      throw err;
    }
  }

  // ---- token ---------------------------------------------------------------------------------------

  /**
   * Identify (`GET /v2/self`): whether the token is active, its workspace and its scopes. A cheap
   * authenticated read: an unknown token is a 401 (`auth` UpstreamError).
   * https://docs.attio.com/rest-api/endpoint-reference/meta/identify
   */
  identify(): Promise<AttioSelf> {
    return this.policy.read('self.identify', (signal) =>
      this.send<AttioSelf>('self.identify', 'GET', 'self', signal),
    );
  }

  // ---- transport ----------------------------------------------------------------------------------

  private updateRecord(
    operation: string,
    method: 'PATCH' | 'PUT',
    object: string,
    recordId: string,
    values: AttioValuesInput,
  ) {
    return this.policy.write(
      operation,
      (signal) =>
        this.send<{ data: AttioRecord }>(
          operation,
          method,
          `objects/${enc(object)}/records/${enc(recordId)}`,
          signal,
          {
            json: { data: { values } },
          },
        ).then((r) => r.data),
      { kind: 'idempotent' },
    );
  }

  /** One attempt: 2xx → parsed body; anything else → classified UpstreamError (never retried here). */
  private async send<T>(
    operation: string,
    method: Method,
    path: string,
    signal: AbortSignal,
    extra: Pick<HttpRequest, 'json' | 'query'> = {},
  ): Promise<T> {
    // Attio counts a query (POST …/records/query) as a read, like the policy does (UNCONFIRMED).
    const isRead = method === 'GET' || path.endsWith('/records/query');
    await this.pacers?.[isRead ? 'read' : 'write'].acquire(signal);
    const res = await this.transport({
      baseUrl: this.config.apiUrl,
      method,
      path,
      signal,
      headers: { authorization: `Bearer ${this.config.apiToken}` },
      ...extra,
    });
    if (res.status >= 200 && res.status < 300) return res.json as T;
    throw classifyAttioError(res.status, res.json, res.headers, { operation });
  }
}

const enc = encodeURIComponent;

function firstScalar(input: unknown): string | number | boolean | undefined {
  const first = Array.isArray(input) ? input[0] : input;
  if (typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean') return first;
  if (first && typeof first === 'object') {
    for (const key of ['value', 'domain', 'email_address']) {
      const v = (first as Record<string, unknown>)[key];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    }
  }
  return undefined;
}
