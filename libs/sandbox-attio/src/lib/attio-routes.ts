import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound, validationType } from './attio-error';
import type { Actor, AttributeModel, WebhookModel } from './attio-model';
import type { AttioRecords, QueryBody } from './attio-records';
import type { AttioState } from './attio-state';

/** Actor of every API-token request: Attio reports writes made through the API as `api-token`. */
export const API_TOKEN_ACTOR: Actor = { type: 'api-token', id: '5c6e1ad3-1a0c-4e8f-9d3b-7f1f2d0a0001' };

type Params = Record<string, string>;

/**
 * What `GET /v2/self` reports for the sandbox token: every scope the emulated endpoints need (attio-ts-sdk
 * `sdk.gen.ts` "Required scopes"), as a space-separated list like Attio's.
 */
export const ATTIO_SANDBOX_TOKEN_SCOPES = [
  'record_permission:read-write',
  'object_configuration:read-write',
  'note:read-write',
  'webhook:read-write',
] as const;

/** The sandbox token's (made-up, fixed) OAuth app id and the member who "authorised" it. */
const SANDBOX_CLIENT_ID = '7f3c1a52-9d4e-4b7a-8c21-5e6f0a1b0001';
const SANDBOX_AUTHORISED_BY = '0b5c3a8e-2f7d-4c61-9e1a-6d2f4b8c0001';

function publicAttribute(a: AttributeModel) {
  const { options: _options, statuses: _statuses, ...rest } = a;
  return rest;
}

function publicWebhook(w: WebhookModel) {
  const { secret: _secret, ...rest } = w;
  return rest;
}

function intQuery(req: FastifyRequest, name: string): number | undefined {
  const raw = (req.query as Record<string, string | undefined>)[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw validationType(`${name} must be a non-negative integer.`);
  return n;
}

/**
 * Attio REST v2 routes (paths as in attio-ts-sdk `sdk.gen.ts`). `afterWrite` persists state.
 */
export function registerAttioRoutes(
  app: FastifyInstance,
  state: AttioState,
  records: AttioRecords,
  afterWrite: () => void,
): void {
  // Lists are not emulated: `/v2/lists/…` falls through to the not-found handler.
  const objectTarget = (p: Params) => state.object(p['object']);
  const issuedAt = Math.floor(state.now().getTime() / 1000);

  // Identify (https://docs.attio.com/rest-api/endpoint-reference/meta/identify): the token, its workspace
  // and scopes, at the top level (no `data` envelope; attio-ts-sdk `GetV2SelfResponses`). Only the sandbox
  // token gets this far (any other is a 401 in the onRequest hook), so it is always active.
  app.get('/v2/self', async () => ({
    active: true,
    scope: ATTIO_SANDBOX_TOKEN_SCOPES.join(' '),
    client_id: SANDBOX_CLIENT_ID,
    token_type: 'Bearer',
    exp: null,
    iat: issuedAt,
    sub: state.workspaceId,
    aud: SANDBOX_CLIENT_ID,
    iss: 'attio.com',
    authorized_by_workspace_member_id: SANDBOX_AUTHORISED_BY,
    workspace_id: state.workspaceId,
    workspace_name: 'Sandbox workspace',
    workspace_slug: 'sandbox',
    workspace_logo_url: null,
  }));

  app.get('/v2/objects', async () => ({ data: state.objects }));
  app.get<{ Params: Params }>('/v2/objects/:object', async (req) => ({
    data: state.object(req.params['object']),
  }));

  app.get<{ Params: Params }>('/v2/objects/:object/attributes', async (req) => {
    const object = objectTarget(req.params);
    const showArchived = (req.query as Record<string, string>)['show_archived'] === 'true';
    const all = state.attributesOf(object, showArchived);
    const offset = intQuery(req, 'offset') ?? 0;
    const limit = intQuery(req, 'limit') ?? all.length;
    return { data: all.slice(offset, offset + limit).map(publicAttribute) };
  });
  app.post<{ Params: Params }>('/v2/objects/:object/attributes', async (req) => {
    const attribute = state.createAttribute(objectTarget(req.params), req.body);
    afterWrite();
    return { data: publicAttribute(attribute) };
  });
  app.get<{ Params: Params }>('/v2/objects/:object/attributes/:attribute', async (req) => ({
    data: publicAttribute(state.attribute(objectTarget(req.params), req.params['attribute'])),
  }));
  app.get<{ Params: Params }>('/v2/objects/:object/attributes/:attribute/options', async (req) => {
    const a = state.attribute(objectTarget(req.params), req.params['attribute']);
    if (a.type !== 'select') throw notFound(`Attribute "${a.api_slug}" is not a select attribute.`);
    return { data: a.options };
  });
  app.post<{ Params: Params }>('/v2/objects/:object/attributes/:attribute/options', async (req) => {
    const a = state.attribute(objectTarget(req.params), req.params['attribute']);
    const option = state.addOption(a, (req.body as { data?: { title?: unknown } } | undefined)?.data?.title);
    afterWrite();
    return { data: option };
  });
  app.get<{ Params: Params }>('/v2/objects/:object/attributes/:attribute/statuses', async (req) => {
    const a = state.attribute(objectTarget(req.params), req.params['attribute']);
    if (a.type !== 'status') throw notFound(`Attribute "${a.api_slug}" is not a status attribute.`);
    return { data: a.statuses };
  });
  app.post<{ Params: Params }>('/v2/objects/:object/attributes/:attribute/statuses', async (req) => {
    const a = state.attribute(objectTarget(req.params), req.params['attribute']);
    const status = state.addStatus(a, (req.body as { data?: { title?: unknown } } | undefined)?.data?.title);
    afterWrite();
    return { data: status };
  });

  app.post<{ Params: Params }>('/v2/objects/:object/records/query', async (req) => {
    const object = state.object(req.params['object']);
    const body = (req.body ?? {}) as QueryBody;
    return { data: records.query(object, body).map((r) => records.render(r)) };
  });
  app.post<{ Params: Params }>('/v2/objects/:object/records', async (req) => {
    const record = records.create(state.object(req.params['object']), req.body, API_TOKEN_ACTOR);
    afterWrite();
    return { data: records.render(record) };
  });
  app.put<{ Params: Params; Querystring: { matching_attribute?: string } }>(
    '/v2/objects/:object/records',
    async (req) => {
      const object = state.object(req.params['object']);
      const record = records.assert(object, req.query.matching_attribute, req.body, API_TOKEN_ACTOR);
      afterWrite();
      return { data: records.render(record) };
    },
  );
  app.get<{ Params: Params }>('/v2/objects/:object/records/:record_id', async (req) => {
    const object = state.object(req.params['object']);
    return { data: records.render(state.record(object, req.params['record_id'])) };
  });
  for (const [method, mode] of [
    ['patch', 'patch'],
    ['put', 'put'],
  ] as const) {
    app[method]<{ Params: Params }>('/v2/objects/:object/records/:record_id', async (req) => {
      const object = state.object(req.params['object']);
      const record = state.record(object, req.params['record_id']);
      records.update(object, record, req.body, mode, API_TOKEN_ACTOR);
      afterWrite();
      return { data: records.render(record) };
    });
  }
  app.get<{ Params: Params }>(
    '/v2/objects/:object/records/:record_id/attributes/:attribute/values',
    async (req) => {
      const object = state.object(req.params['object']);
      const record = state.record(object, req.params['record_id']);
      const attribute = state.attribute(object, req.params['attribute']);
      const showHistoric = (req.query as Record<string, string>)['show_historic'] === 'true';
      const all = records.history(record, attribute, showHistoric);
      const offset = intQuery(req, 'offset') ?? 0;
      const limit = intQuery(req, 'limit') ?? all.length;
      return { data: all.slice(offset, offset + limit) };
    },
  );

  app.get('/v2/notes', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return {
      data: state.listNotes({
        parent_object: q['parent_object'],
        parent_record_id: q['parent_record_id'],
        limit: intQuery(req, 'limit'),
        offset: intQuery(req, 'offset'),
      }),
    };
  });
  app.post('/v2/notes', async (req) => {
    const note = state.createNote(req.body, API_TOKEN_ACTOR);
    afterWrite();
    return { data: note };
  });

  app.get('/v2/webhooks', async (req) => {
    const offset = intQuery(req, 'offset') ?? 0;
    const limit = intQuery(req, 'limit') ?? state.webhooks.length;
    return { data: state.webhooks.slice(offset, offset + limit).map(publicWebhook) };
  });
  app.post('/v2/webhooks', async (req) => {
    const webhook = state.createWebhook(req.body);
    afterWrite();
    return { data: webhook }; // the only answer that carries the secret
  });
  app.get<{ Params: Params }>('/v2/webhooks/:webhook_id', async (req) => ({
    data: publicWebhook(state.webhook(req.params['webhook_id'])),
  }));
  // Update a webhook (https://docs.attio.com/rest-api/endpoint-reference/webhooks/update-a-webhook; attio-ts-sdk
  // `PatchV2WebhooksByWebhookIdData`): `{data: {target_url?, subscriptions?}}`, unknown id → 404 not_found.
  // The webhook keeps its id, status and secret; the answer is the webhook without the secret. Given
  // `subscriptions` replace the list (UNCONFIRMED: the reference does not say replace or merge).
  app.patch<{ Params: Params }>('/v2/webhooks/:webhook_id', async (req) => {
    const webhook = state.webhook(req.params['webhook_id']);
    const body = req.body as { data?: unknown } | undefined;
    const data = body && typeof body.data === 'object' && body.data !== null ? body.data : undefined;
    if (!data) throw validationType('Body must be {"data": {...}}.');
    const { target_url: url, subscriptions: subs } = data as Record<string, unknown>;
    if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\//.test(url)))
      throw validationType('data.target_url must be a URL.');
    if (subs !== undefined && !Array.isArray(subs))
      throw validationType('data.subscriptions must be an array.');
    // The create call's validation (bracket access: AttioState keeps it private).
    const subscriptions = subs?.map((s) => state.parseSubscription(s));
    if (typeof url === 'string') webhook.target_url = url;
    if (subscriptions) webhook.subscriptions = subscriptions;
    afterWrite();
    return { data: publicWebhook(webhook) };
  });
  app.delete<{ Params: Params }>('/v2/webhooks/:webhook_id', async (req) => {
    state.deleteWebhook(req.params['webhook_id']);
    afterWrite();
    return {};
  });
}
