import { CONTROL_PREFIX, EmulatorServer, JsonFileStore, RateWindow, RunningEmulator } from '@aia/sandbox-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AttioApiError, sendAttioError, sendRateLimited, unauthorized, validationType } from './attio-error';
import type { Actor, AttioStateSnapshot } from './attio-model';
import { AttioRecords } from './attio-records';
import { registerAttioRoutes } from './attio-routes';
import { AttioState, RecordChange } from './attio-state';
import { AttioWebhookBatcher, eventFromChange } from './attio-webhook-events';

export const ATTIO_SANDBOX_TOKEN = 'sandbox-attio-token';
export const ATTIO_SANDBOX_PORT = 4010;
/** Actor for changes made "in the UI" through the control API. */
export const SANDBOX_MEMBER_ACTOR: Actor = {
  type: 'workspace-member',
  id: '0b5c3a8e-2f7d-4c61-9e1a-6d2f4b8c0001',
};

export interface AttioEmulatorOptions {
  /** JSON file to persist state to (in memory only when unset). */
  dataFile?: string;
  /** The API token accepted (default ATTIO_SANDBOX_TOKEN); apps/sandbox passes ATTIO_API_TOKEN when set. */
  apiToken?: string;
  /** Documented limits: 100 reads/s, 25 writes/s (https://docs.attio.com/rest-api/guides/rate-limiting). */
  readsPerSecond?: number;
  writesPerSecond?: number;
  /** First webhook retry delay (doubles each attempt); small in tests. */
  webhookBaseDelayMs?: number;
  webhookMaxAttempts?: number;
  /**
   * Batch window for webhook deliveries (default 0: one event per delivery, as Attio sends today). With a
   * window, the events a webhook wants within it are sent in one delivery; see AttioWebhookBatcher.
   */
  webhookBatchWindowMs?: number;
}

export interface AttioEmulator {
  server: EmulatorServer;
  state: AttioState;
  records: AttioRecords;
  /** Webhook deliveries: `setWindow(ms)` batches events per webhook, `flush()` sends what waits. */
  webhooks: AttioWebhookBatcher;
  readonly rateLimits: { reads: RateWindow; writes: RateWindow };
  listen(port?: number, host?: string): Promise<RunningEmulator>;
  close(): Promise<void>;
  /** Applies a PATCH as a workspace member would in the UI; webhooks fire. Returns the rendered record. */
  userEdit(object: string, recordId: string, values: Record<string, unknown>): Record<string, unknown>;
}

function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1].trim();
  // Basic auth with the token as username and an empty password also works (docs authentication guide).
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').replace(/:$/, '');
  return undefined;
}

/** Query endpoints are POSTs but read data; the sandbox counts them as reads (UNCONFIRMED for Attio). */
function isRead(req: FastifyRequest): boolean {
  return req.method === 'GET' || (req.method === 'POST' && /\/records\/query(\?|$)/.test(req.url));
}

export function createAttioEmulator(options: AttioEmulatorOptions = {}): AttioEmulator {
  const server = new EmulatorServer({
    name: 'attio',
    faultReply: (reply, kind, status) =>
      kind === 'rate_limit'
        ? sendRateLimited(reply, Date.now())
        : // UNCONFIRMED: Attio's 5xx body; the sandbox keeps the documented error shape.
          reply.code(status).send({
            status_code: status,
            type: 'api_error',
            code: status === 503 ? 'service_unavailable' : 'internal_server_error',
            message: 'Injected fault (sandbox).',
          }),
    webhooks: {
      baseDelayMs: options.webhookBaseDelayMs ?? 1000,
      maxAttempts: options.webhookMaxAttempts ?? 10,
    },
  });
  const store = new JsonFileStore<AttioStateSnapshot>(options.dataFile);
  const state = new AttioState(() => server.clock.now());
  const saved = store.load();
  if (saved) state.restore(saved);
  const persist = () => store.scheduleSave(() => state.snapshot());
  let quiet = false;
  const webhookWindowMs = options.webhookBatchWindowMs ?? 0;
  const apiToken = options.apiToken ?? ATTIO_SANDBOX_TOKEN;
  const webhooks = new AttioWebhookBatcher(server.webhooks, () => state.webhooks, webhookWindowMs);
  const onChange = (change: RecordChange) => {
    if (!quiet) webhooks.deliver(eventFromChange(change));
  };
  const records = new AttioRecords(state, onChange);
  const reads = new RateWindow(options.readsPerSecond ?? 100, 1000);
  const writes = new RateWindow(options.writesPerSecond ?? 25, 1000);
  const app = server.app;

  server.onReset(() => {
    webhooks.clear();
    webhooks.setWindow(webhookWindowMs);
    state.seedStandard();
    reads.reset();
    writes.reset();
    persist();
  });

  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!req.url.startsWith('/v2/')) return done();
    if (bearerToken(req) !== apiToken) {
      sendAttioError(reply, unauthorized());
      return;
    }
    // Limits use real time (clients wait in real time), in whole-second windows like Attio's Retry-After.
    const now = Date.now();
    const resetAt = (isRead(req) ? reads : writes).take(now);
    if (resetAt !== null) {
      sendRateLimited(reply, now, resetAt);
      return;
    }
    done();
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof AttioApiError) return sendAttioError(reply, error);
    const fst = error as { statusCode?: number; message?: string };
    if (typeof fst.statusCode === 'number' && fst.statusCode < 500) {
      // Bad JSON, wrong content type, body too large: Attio answers validation errors with this shape.
      return sendAttioError(
        reply,
        new AttioApiError(
          fst.statusCode,
          'invalid_request_error',
          'validation_type',
          fst.message ?? 'Invalid request',
        ),
      );
    }
    return reply.code(500).send({
      status_code: 500,
      type: 'api_error',
      code: 'internal_server_error',
      message: 'Internal error',
    });
  });
  app.setNotFoundHandler((req, reply) =>
    sendAttioError(
      reply,
      new AttioApiError(
        404,
        'invalid_request_error',
        'not_found',
        `No route for ${req.method} ${req.url.split('?')[0]}`,
      ),
    ),
  );

  registerAttioRoutes(app, state, records, persist);

  const userEdit = (objectSlug: string, recordId: string, values: Record<string, unknown>) => {
    const object = state.object(objectSlug);
    const record = state.record(object, recordId);
    records.update(object, record, { data: { values } }, 'patch', SANDBOX_MEMBER_ACTOR);
    persist();
    return records.render(record);
  };

  // ---- control API (never part of Attio's API) ------------------------------------------------------
  app.post<{ Params: Record<string, string> }>(
    `${CONTROL_PREFIX}/records/:object/:record_id/values`,
    async (req) => {
      const body = (req.body ?? {}) as { values?: unknown; data?: { values?: unknown } };
      const values = body.values ?? body.data?.values;
      if (typeof values !== 'object' || values === null) throw validationType('Give {"values": {...}}.');
      return {
        data: userEdit(req.params['object'], req.params['record_id'], values as Record<string, unknown>),
      };
    },
  );
  app.post(`${CONTROL_PREFIX}/seed`, async (req) => {
    const body = (req.body ?? {}) as {
      attributes?: Array<{ object: string; data: unknown }>;
      records?: Array<{ object: string; values: Record<string, unknown> }>;
      webhooks?: boolean;
    };
    quiet = body.webhooks !== true; // seeding is silent unless asked otherwise
    try {
      const attributes = (body.attributes ?? []).map((a) =>
        state.createAttribute(state.object(a.object), { data: a.data }),
      );
      const created = (body.records ?? []).map((r) =>
        records.render(
          records.create(state.object(r.object), { data: { values: r.values } }, SANDBOX_MEMBER_ACTOR),
        ),
      );
      persist();
      return { attributes: attributes.map((a) => a.api_slug), records: created };
    } finally {
      quiet = false;
    }
  });
  app.get(`${CONTROL_PREFIX}/state`, async () => state.snapshot());
  // Webhook batching (default off): events a webhook wants within windowMs go out in one delivery.
  app.get(`${CONTROL_PREFIX}/webhooks/batching`, async () => ({ windowMs: webhooks.batchWindowMs }));
  app.put(`${CONTROL_PREFIX}/webhooks/batching`, async (req) => {
    const windowMs = ((req.body ?? {}) as { windowMs?: unknown }).windowMs;
    if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 0) {
      throw validationType('Give {"windowMs": <milliseconds, 0 = one event per delivery>}.');
    }
    webhooks.setWindow(windowMs);
    return { windowMs: webhooks.batchWindowMs };
  });
  app.post(`${CONTROL_PREFIX}/webhooks/flush`, async () => ({ deliveries: webhooks.flush() }));

  return {
    server,
    state,
    records,
    webhooks,
    rateLimits: { reads, writes },
    userEdit,
    listen: (port = ATTIO_SANDBOX_PORT, host = '127.0.0.1') => server.listen(port, host),
    close: async () => {
      webhooks.clear();
      store.flush(() => state.snapshot());
      await server.close();
    },
  };
}
