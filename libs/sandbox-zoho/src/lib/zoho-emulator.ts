import { randomBytes } from 'node:crypto';
import { CONTROL_PREFIX, EmulatorServer, JsonFileStore, RunningEmulator } from '@aia/sandbox-kit';
import {
  registerAccountsRoutes,
  SANDBOX_ZOHO_CREDENTIALS,
  ZohoEmulatorCredentials,
} from './zoho-accounts.routes';
import { ZohoBillingDeps, ZohoBillingService, ZohoEventType } from './zoho-billing.service';
import { registerBillingRoutes } from './zoho-billing.routes';
import { ZohoCustomerUpdates } from './zoho-customer-update';
import { RATE_LIMIT_MESSAGE, ZohoApiError, ZOHO_CODES, sendZohoError } from './zoho-errors';
import { zohoTime } from './zoho-format';
import { DEFAULT_SEED, seedZoho, ZohoSeedData } from './zoho-seed';
import { ZohoSnapshot, ZohoState } from './zoho-state';
import { ZohoSubscriptionChanges } from './zoho-subscription-changes';
import { signZohoWebhook, ZOHO_SIGNATURE_HEADER } from './zoho-webhook-signature';

export interface ZohoEmulatorOptions {
  /** JSON file to persist state across restarts (in-memory only when unset). */
  dataFile?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  /** OAuth client, refresh token and organization id accepted (default SANDBOX_ZOHO_CREDENTIALS). */
  credentials?: ZohoEmulatorCredentials;
  /** Per-organization budget; Zoho Billing's real figure is UNCONFIRMED (default 100, like Zoho Books). */
  requestsPerMinute?: number;
  /** Zoho documents 3600 s; tests shorten it. */
  accessTokenTtlSeconds?: number;
  /** First webhook retry delay (doubles per attempt). */
  webhookBaseDelayMs?: number;
  webhookMaxAttempts?: number;
  /**
   * Whether `POST /subscriptions/{id}/reactivate` also reactivates `cancelled` subscriptions (default true;
   * subscription.yml allows only non-renewing ones, events.yml and Zoho's help describe cancelled ones:
   * see SubscriptionChangeOptions).
   */
  reactivateCancelled?: boolean;
}

export interface ZohoWebhookConfig {
  url?: string;
  secret?: string;
}

export interface ZohoWebhookBody {
  event_id: string;
  event_type: ZohoEventType;
  event_time: string;
  data: Record<string, unknown>;
}

export interface ZohoEmulator {
  readonly server: EmulatorServer;
  readonly state: ZohoState;
  readonly billing: ZohoBillingService;
  /** Plan changes, reactivation and scheduled changes of subscriptions. */
  readonly subscriptionChanges: ZohoSubscriptionChanges;
  readonly credentials: ZohoEmulatorCredentials;
  listen(port?: number, host?: string): Promise<RunningEmulator>;
  close(): Promise<void>;
  /** A valid access token without the OAuth round trip (for tests of other modules). */
  issueAccessToken(ttlSeconds?: number): string;
  /** Expires every issued access token (the next Billing call answers 401). */
  expireAccessTokens(): void;
  seed(data?: ZohoSeedData): { products: number; plans: number; customers: number };
  configureWebhooks(config: ZohoWebhookConfig): void;
  readonly webhookConfig: ZohoWebhookConfig;
  setRequestsPerMinute(limit: number): void;
}

export function createZohoEmulator(options: ZohoEmulatorOptions = {}): ZohoEmulator {
  const server = new EmulatorServer({
    name: 'zoho',
    faultReply: (reply, kind, status) =>
      kind === 'rate_limit'
        ? sendZohoError(
            reply,
            new ZohoApiError(429, ZOHO_CODES.rateLimited, RATE_LIMIT_MESSAGE, { 'Retry-After': '1' }),
          )
        : sendZohoError(reply, new ZohoApiError(status, ZOHO_CODES.internalError, 'Internal error')),
    webhooks: {
      baseDelayMs: options.webhookBaseDelayMs ?? 1000,
      maxAttempts: options.webhookMaxAttempts ?? 10,
    },
  });
  const state = new ZohoState();
  const credentials: ZohoEmulatorCredentials = options.credentials ?? SANDBOX_ZOHO_CREDENTIALS;
  const store = new JsonFileStore<ZohoSnapshot>(options.dataFile);
  const now = () => server.clock.now();
  let requestsPerMinute = options.requestsPerMinute ?? 100;
  const ttlSeconds = options.accessTokenTtlSeconds ?? 3600;
  const initialWebhooks: ZohoWebhookConfig = { url: options.webhookUrl, secret: options.webhookSecret };
  let webhookConfig: ZohoWebhookConfig = { ...initialWebhooks };

  const emit = (type: ZohoEventType, data: Record<string, unknown>): void => {
    const event: ZohoWebhookBody = {
      event_id: state.newId(),
      event_type: type,
      event_time: zohoTime(now()),
      data,
    };
    const raw = JSON.stringify(event);
    state.addEvent({
      event_id: event.event_id,
      event_type: type,
      event_time: event.event_time,
      payload: JSON.stringify(data),
    });
    if (!webhookConfig.url) return;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (webhookConfig.secret) {
      // Query parameters of the configured URL are part of the signed string, as Zoho signs them.
      const params = new URL(webhookConfig.url).searchParams;
      headers[ZOHO_SIGNATURE_HEADER] = signZohoWebhook(webhookConfig.secret, raw, params);
    }
    server.webhooks.send({ event: type, url: webhookConfig.url, headers, body: raw });
  };

  const billingDeps: ZohoBillingDeps = {
    state,
    now,
    emit,
    changed: () => store.scheduleSave(() => state.snapshot(server.clock.offset)),
    currency: 'USD',
  };
  const billing = new ZohoBillingService(billingDeps);
  const subscriptionChanges = new ZohoSubscriptionChanges(billingDeps, billing, {
    reactivateCancelled: options.reactivateCancelled ?? true,
  });
  const customerUpdates = new ZohoCustomerUpdates(billingDeps, billing);

  const saved = store.load();
  if (saved) {
    state.restore(saved);
    server.clock.offset = saved.clockOffsetMs ?? 0;
  }

  const issueAccessToken = (ttl = ttlSeconds): string => {
    const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    state.tokens.set(token, { token, expiresAtMs: now().getTime() + ttl * 1000 });
    // Forget long-expired tokens so the map stays bounded under token churn.
    if (state.tokens.size > 1000) {
      const cutoff = now().getTime();
      for (const [k, v] of state.tokens) if (v.expiresAtMs < cutoff) state.tokens.delete(k);
    }
    return token;
  };

  registerAccountsRoutes(server.app, {
    issueAccessToken: () => ({ token: issueAccessToken(), ttlSeconds }),
    credentials,
  });
  registerBillingRoutes(server.app, {
    billing,
    changes: subscriptionChanges,
    customerUpdates,
    state,
    organizationId: credentials.organizationId,
    now,
    requestsPerMinute: () => requestsPerMinute,
  });

  server.clock.onAdvance((_from, to) => billing.advanceTo(to));
  server.onReset(() => {
    state.clear();
    webhookConfig = { ...initialWebhooks };
    store.scheduleSave(() => state.snapshot(0));
  });

  // ---- control API (never part of Zoho's API) ----
  const app = server.app;
  const controlError = (message: string) => ({ error: message });
  app.post(`${CONTROL_PREFIX}/seed`, async (req, reply) => {
    try {
      const body = (req.body ?? {}) as ZohoSeedData;
      const custom = body.products || body.plans || body.customers;
      return { ok: true, created: seedZoho(billing, state, custom ? body : DEFAULT_SEED) };
    } catch (err) {
      return reply.code(400).send(controlError(err instanceof Error ? err.message : String(err)));
    }
  });
  app.get(`${CONTROL_PREFIX}/webhooks`, async () => ({
    url: webhookConfig.url ?? null,
    secret_set: Boolean(webhookConfig.secret),
  }));
  app.put(`${CONTROL_PREFIX}/webhooks`, async (req, reply) => {
    const body = (req.body ?? {}) as ZohoWebhookConfig;
    if (body.url !== undefined && body.url !== null) {
      try {
        new URL(body.url);
      } catch {
        return reply.code(400).send(controlError('url must be an absolute URL'));
      }
    }
    webhookConfig = { url: body.url ?? undefined, secret: body.secret ?? undefined };
    return { url: webhookConfig.url ?? null, secret_set: Boolean(webhookConfig.secret) };
  });
  app.post(`${CONTROL_PREFIX}/payments/decline`, async (req, reply) => {
    const body = (req.body ?? {}) as { invoice_id?: string; reason?: string };
    if (!body.invoice_id) return reply.code(400).send(controlError('invoice_id is required'));
    try {
      return billing.declinePayment(body.invoice_id, body.reason ?? 'Card declined');
    } catch (err) {
      return reply.code(404).send(controlError(err instanceof Error ? err.message : String(err)));
    }
  });
  app.post(`${CONTROL_PREFIX}/payments/refund`, async (req, reply) => {
    const body = (req.body ?? {}) as { payment_id?: string; amount?: number };
    if (!body.payment_id) return reply.code(400).send(controlError('payment_id is required'));
    try {
      const payment = billing.refundPayment(body.payment_id, body.amount);
      return { payment_id: payment.payment_id, amount_refunded: payment.amount_refunded };
    } catch (err) {
      return reply.code(400).send(controlError(err instanceof Error ? err.message : String(err)));
    }
  });
  app.post(`${CONTROL_PREFIX}/tokens/expire`, async () => {
    const n = state.tokens.size;
    for (const t of state.tokens.values()) t.expiresAtMs = 0;
    return { expired: n };
  });
  app.put(`${CONTROL_PREFIX}/rate-limit`, async (req, reply) => {
    const body = (req.body ?? {}) as { requests_per_minute?: number };
    if (!Number.isInteger(body.requests_per_minute) || (body.requests_per_minute ?? 0) < 1) {
      return reply.code(400).send(controlError('requests_per_minute must be a positive integer'));
    }
    requestsPerMinute = body.requests_per_minute as number;
    return { requests_per_minute: requestsPerMinute };
  });

  return {
    server,
    state,
    billing,
    subscriptionChanges,
    credentials,
    listen: (port, host) => server.listen(port, host),
    close: async () => {
      store.flush(() => state.snapshot(server.clock.offset));
      await server.close();
    },
    issueAccessToken,
    expireAccessTokens: () => {
      for (const t of state.tokens.values()) t.expiresAtMs = 0;
    },
    seed: (data) => seedZoho(billing, state, data ?? DEFAULT_SEED),
    configureWebhooks: (config) => {
      webhookConfig = { ...config };
    },
    get webhookConfig() {
      return { ...webhookConfig };
    },
    setRequestsPerMinute: (limit) => {
      requestsPerMinute = limit;
    },
  };
}
