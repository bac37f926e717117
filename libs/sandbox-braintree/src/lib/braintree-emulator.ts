import { EmulatorServer, FaultDecision, JsonFileStore, RunningEmulator } from '@aia/sandbox-kit';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BraintreeSnapshot, BraintreeState } from './braintree-state';
import { ClientTokenEngine } from './client-token.engine';
import { EngineContext } from './engine-context';
import { registerControlRoutes } from './routes/control.routes';
import { registerGatewayRoutes } from './routes/gateway.routes';
import { SaleFaults } from './sale-faults';
import { DEFAULT_DUPLICATE_CHECKING, TransactionsEngine } from './transactions.engine';
import { VaultEngine } from './vault.engine';
import { BraintreeWebhookNotifier } from './webhook-notifier';

/** Credentials the emulator accepts (public on purpose; the API's sandbox defaults use them). */
export const BRAINTREE_SANDBOX_CREDENTIALS = {
  merchantId: 'sandbox_merchant',
  publicKey: 'sandbox_public_key',
  privateKey: 'sandbox_private_key',
} as const;

export const BRAINTREE_EMULATOR_PORT = 4030;

/** Matches the sandbox defaults of AppConfig (BRAINTREE_MERCHANT_ACCOUNTS=USD:sandbox_usd,…). */
export const DEFAULT_MERCHANT_ACCOUNTS: Record<string, string> = {
  sandbox_usd: 'USD',
  sandbox_eur: 'EUR',
  sandbox_gbp: 'GBP',
};

export interface BraintreeEmulatorOptions {
  /** JSON file the state is saved to (debounced) and loaded from; in memory when unset. */
  dataFile?: string;
  webhookUrl?: string;
  /** First webhook retry delay (doubles per attempt). */
  webhookBaseDelayMs?: number;
  webhookMaxAttempts?: number;
  /** Sandbox-clock time per settlement step (submitted_for_settlement → settling → settled). Default 1 h. */
  settlementDelayMs?: number;
  /** merchant account id → currency. Default sandbox_usd/eur/gbp; the first one is the default account. */
  merchantAccounts?: Record<string, string>;
  credentials?: { merchantId: string; publicKey: string; privateKey: string };
  /**
   * How an injected `hang` fault behaves. true (default): the request is processed, then its answer is held
   * back for hangMs — the ambiguous "did my charge go through?" timeout. false: the chassis behaviour, the
   * request waits before it is processed.
   */
  hangAfterProcessing?: boolean;
}

export interface BraintreeEmulator {
  server: EmulatorServer;
  state: BraintreeState;
  /** Late answer / late processing / search lag of sales (`/__sandbox/sale-faults`). */
  saleFaults: SaleFaults;
  transactions: TransactionsEngine;
  vault: VaultEngine;
  readonly url: string | undefined;
  listen(port?: number, host?: string): Promise<RunningEmulator>;
  close(): Promise<void>;
}

interface Persisted extends BraintreeSnapshot {
  clockOffsetMs: number;
}

export function createBraintreeEmulator(options: BraintreeEmulatorOptions = {}): BraintreeEmulator {
  const credentials = options.credentials ?? BRAINTREE_SANDBOX_CREDENTIALS;
  const merchantAccounts = options.merchantAccounts ?? DEFAULT_MERCHANT_ACCOUNTS;
  const server = new EmulatorServer({
    name: 'braintree',
    // The SDK maps statuses, not bodies: 500 → serverError, 503 → serviceUnavailableError,
    // 429 → tooManyRequestsError, others → unexpectedError (braintree/lib/braintree/http.js).
    faultReply: (reply, _kind, status) =>
      reply.code(status).header('content-type', 'application/xml').send(''),
    webhooks: {
      baseDelayMs: options.webhookBaseDelayMs ?? 1000,
      maxAttempts: options.webhookMaxAttempts ?? 10,
    },
  });
  const state = new BraintreeState();
  state.webhookUrl = options.webhookUrl ?? null;
  const store = new JsonFileStore<Persisted>(options.dataFile);
  const snapshot = (): Persisted => ({ ...state.snapshot(), clockOffsetMs: server.clock.offset });
  const loaded = store.load();
  if (loaded) {
    state.restore(loaded);
    server.clock.offset = loaded.clockOffsetMs ?? 0;
    if (options.webhookUrl) state.webhookUrl = options.webhookUrl;
  }

  const ctx: EngineContext = {
    state,
    clock: server.clock,
    merchantId: credentials.merchantId,
    merchantAccounts,
    defaultMerchantAccountId: Object.keys(merchantAccounts)[0],
    notifier: new BraintreeWebhookNotifier(server.webhooks, credentials),
    settlementDelayMs: options.settlementDelayMs ?? 3_600_000,
    duplicateChecking: { ...DEFAULT_DUPLICATE_CHECKING },
    changed: () => store.scheduleSave(snapshot),
  };
  const saleFaults = new SaleFaults();
  const vault = new VaultEngine(ctx);
  const transactions = new TransactionsEngine(ctx);
  let baseUrl: string | undefined;
  const clientToken = new ClientTokenEngine(
    ctx,
    () => baseUrl ?? `http://127.0.0.1:${BRAINTREE_EMULATOR_PORT}`,
  );

  server.clock.onAdvance((_from, to) => transactions.progress(to.getTime()));
  server.onReset(() => {
    // First: a held late-processing sale must not be processed into the fresh state.
    saleFaults.clear();
    ctx.duplicateChecking = { ...DEFAULT_DUPLICATE_CHECKING };
    state.clear();
    state.webhookUrl = options.webhookUrl ?? null;
    ctx.changed();
  });

  installJsonParser(server);
  installAuth(server, credentials);
  const releaseHeld =
    options.hangAfterProcessing === false ? () => undefined : installHangAfterProcessing(server);
  registerGatewayRoutes(server.app, { vault, transactions, clientToken, saleFaults });
  registerControlRoutes(server.app, ctx, transactions, saleFaults);

  return {
    server,
    state,
    saleFaults,
    transactions,
    vault,
    get url() {
      return baseUrl;
    },
    async listen(port = BRAINTREE_EMULATOR_PORT, host = '127.0.0.1') {
      const running = await server.listen(port, host);
      baseUrl = running.url;
      return { ...running, close: () => this.close() };
    },
    async close() {
      releaseHeld();
      saleFaults.cancelHeld();
      store.flush(snapshot);
      await server.close();
    },
  };
}

/** The SDK sends `Content-Type: application/json` with an empty body on some PUTs (void, testing.settle). */
function installJsonParser(server: EmulatorServer): void {
  server.app.removeContentTypeParser('application/json');
  server.app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new Error('invalid JSON body') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });
}

/** Basic `public_key:private_key` and the merchant id in the path; anything else is 401 (authenticationError). */
function installAuth(
  server: EmulatorServer,
  credentials: { merchantId: string; publicKey: string; privateKey: string },
): void {
  const expected = `Basic ${Buffer.from(`${credentials.publicKey}:${credentials.privateKey}`).toString('base64')}`;
  const prefix = `/merchants/${credentials.merchantId}/`;
  server.app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!req.url.startsWith('/merchants/')) return done();
    if (req.headers.authorization !== expected || !req.url.startsWith(prefix)) {
      void reply.code(401).header('content-type', 'application/xml').send('');
      return;
    }
    done();
  });
}

/**
 * Turns the chassis' `hang` decision into "process now, answer late": the decision is taken in the chassis'
 * onRequest hook (which runs first), remembered per URL, and the reply is held in onSend.
 */
function installHangAfterProcessing(server: EmulatorServer): () => void {
  const pending = new Map<string, number[]>();
  const held = new Set<() => void>();
  const decide = server.faults.decide.bind(server.faults);
  server.faults.decide = (path: string): FaultDecision => {
    const d = decide(path);
    if (d.kind !== 'hang') return d;
    const hangMs = d.delayMs - (server.faults.current.latencyMs ?? 0);
    pending.set(path, [...(pending.get(path) ?? []), hangMs]);
    return { kind: 'none', delayMs: server.faults.current.latencyMs ?? 0 };
  };
  server.app.addHook('onRequest', (req, _reply, done) => {
    const queue = pending.get(req.url);
    if (queue?.length) {
      (req as FastifyRequest & { holdReplyMs?: number }).holdReplyMs = queue.shift();
      if (!queue.length) pending.delete(req.url);
    }
    done();
  });
  server.app.addHook('onSend', (req, _reply, payload, done) => {
    const ms = (req as FastifyRequest & { holdReplyMs?: number }).holdReplyMs;
    if (!ms) return done(null, payload);
    const release = () => {
      clearTimeout(timer);
      held.delete(release);
      done(null, payload);
    };
    const timer = setTimeout(release, ms);
    timer.unref();
    held.add(release);
  });
  return () => {
    for (const release of [...held]) release();
  };
}
