// The service stack for the checkout-completion and month-start-burst benches, split over two child processes
// so the API never shares an event loop with the platforms it calls (as in production, where they are remote):
//   emulators — the Attio, Zoho and Braintree emulators (@aia/sandbox-*), wired as apps/api/src/testing/api-stack.ts
//               wires them (Zoho webhooks → the API, an Attio webhook with the sandbox secret), plus a counter of
//               every request each emulator answers (a Fastify onResponse hook added before listen);
//   api       — the real API (createApiApp from apps/api, as main.ts builds it), configured against them.
// Each bench's targets.ts imports this and adds its own IPC commands (serveCommands). Never imported by product code.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadAppConfig } from '@aia/platform';
import { attioRecordValues, startInProcessEmulators } from '@aia/testing';
import type { EmulatorLimits, InProcessEmulators } from '@aia/testing';
import { SandboxProvisioner } from '@aia/workflows';
import { createApiApp } from '../../apps/api/src/app/create-api-app';

export const ADMIN_TOKEN = 'bench-admin-token';
/** Emulator limits "set high" (the checkout bench and the burst's set-up): far above anything sent. */
export const HIGH_LIMITS: EmulatorLimits = {
  attioReadsPerSecond: 1e9,
  attioWritesPerSecond: 1e9,
  zohoRequestsPerMinute: 1e9,
};

// ---- request counting --------------------------------------------------------------------------------------

/** What a request costs against the platform's budget: Attio reads/writes, Zoho Billing, Zoho OAuth, Braintree. */
export type CallKind = 'attio.read' | 'attio.write' | 'zoho.billing' | 'zoho.oauth' | 'braintree';

export interface CallRecord {
  kind: CallKind;
  /** `METHOD /route/:pattern` as the emulator routed it (or the path when no route matched). */
  route: string;
  status: number;
  /** performance.now() of the answer, in the emulators' process. */
  at: number;
}

export interface CallCounts {
  /** Seconds since the last reset. */
  seconds: number;
  /** Every request answered, by kind. */
  byKind: Record<string, number>;
  /** Answers 429 by kind (a 429 does not use the platform's budget: the emulators' windows do not count it). */
  rateLimitedByKind: Record<string, number>;
  /** `METHOD route → status` counts, by kind. */
  byRoute: Record<string, Record<string, number>>;
  /** Requests answered per second since the reset, by kind (index = whole seconds since the reset). */
  perSecond: Record<string, number[]>;
}

function kindOf(platform: 'attio' | 'zoho' | 'braintree', req: FastifyRequest): CallKind | undefined {
  const url = req.url;
  if (url.startsWith('/__sandbox')) return undefined; // control API: never part of a platform
  if (platform === 'attio') {
    if (!url.startsWith('/v2/')) return undefined;
    // The emulator's own rule (attio-emulator.ts isRead): GET and records/query are reads.
    return req.method === 'GET' || (req.method === 'POST' && /\/records\/query(\?|$)/.test(url))
      ? 'attio.read'
      : 'attio.write';
  }
  if (platform === 'zoho') {
    if (url.startsWith('/billing/v1')) return 'zoho.billing';
    if (url.startsWith('/oauth/')) return 'zoho.oauth';
    return undefined;
  }
  return url.startsWith('/merchants/') ? 'braintree' : undefined;
}

/** Counts every request an emulator answers; `listeners` see each one (the burst tracks payments and notes). */
export class CallCounter {
  private startedAt = performance.now();
  private byKind: Record<string, number> = {};
  private limited: Record<string, number> = {};
  private byRoute: Record<string, Record<string, number>> = {};
  private perSecond: Record<string, number[]> = {};
  readonly listeners: Array<(call: CallRecord) => void> = [];

  attach(platform: 'attio' | 'zoho' | 'braintree', app: FastifyInstance): void {
    app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const kind = kindOf(platform, req);
      if (kind) {
        const route = `${req.method} ${req.routeOptions?.url ?? req.url.split('?')[0]}`;
        this.record({ kind, route, status: reply.statusCode, at: performance.now() });
      }
      done();
    });
  }

  private record(call: CallRecord): void {
    this.byKind[call.kind] = (this.byKind[call.kind] ?? 0) + 1;
    if (call.status === 429) this.limited[call.kind] = (this.limited[call.kind] ?? 0) + 1;
    const routes = (this.byRoute[call.kind] ??= {});
    const key = `${call.route} → ${call.status}`;
    routes[key] = (routes[key] ?? 0) + 1;
    const second = Math.floor((call.at - this.startedAt) / 1000);
    const series = (this.perSecond[call.kind] ??= []);
    while (series.length <= second) series.push(0);
    series[second]++;
    for (const listener of this.listeners) listener(call);
  }

  reset(): void {
    this.startedAt = performance.now();
    this.byKind = {};
    this.limited = {};
    this.byRoute = {};
    this.perSecond = {};
  }

  get resetAt(): number {
    return this.startedAt;
  }

  snapshot(): CallCounts {
    return {
      seconds: Number(((performance.now() - this.startedAt) / 1000).toFixed(3)),
      byKind: { ...this.byKind },
      rateLimitedByKind: { ...this.limited },
      byRoute: JSON.parse(JSON.stringify(this.byRoute)) as Record<string, Record<string, number>>,
      perSecond: JSON.parse(JSON.stringify(this.perSecond)) as Record<string, number[]>,
    };
  }
}

// ---- the emulators process ---------------------------------------------------------------------------------

export interface Emulators extends InProcessEmulators {
  counter: CallCounter;
  /** Sets the limits the emulators enforce (fixed windows: Attio per second, Zoho per minute). */
  setLimits(limits: EmulatorLimits): void;
}

/**
 * The three emulators as the flow suites start them (libs/testing), with the limits set high (the benches set
 * them after), the platforms' own webhook retry delays (not the tests' 20 ms) and every request counted.
 */
export async function startEmulators(apiUrl: string): Promise<Emulators> {
  const counter = new CallCounter();
  const emulators = await startInProcessEmulators(apiUrl, {
    limits: HIGH_LIMITS,
    platformWebhookDelays: true,
    beforeListen: ({ attio, zoho, braintree }) => {
      counter.attach('attio', attio.server.app);
      counter.attach('zoho', zoho.server.app);
      counter.attach('braintree', braintree.server.app);
    },
  });
  const { attio, zoho } = emulators;
  return {
    ...emulators,
    counter,
    setLimits(limits) {
      attio.rateLimits.reads.limit = limits.attioReadsPerSecond;
      attio.rateLimits.writes.limit = limits.attioWritesPerSecond;
      zoho.setRequestsPerMinute(limits.zohoRequestsPerMinute);
    },
  };
}

// ---- the API process ---------------------------------------------------------------------------------------

export interface ApiSettings {
  port: number;
  dataDir: string;
  urls: { attio: string; zoho: string; braintree: string };
  /** Client-side Zoho budget (ZOHO_REQUESTS_PER_MINUTE), as production reads it from the environment. */
  zohoRequestsPerMinute: number;
  /**
   * 'default': the product's own client-side limits (Attio 100 reads/s, 25 writes/s, paced; Zoho from the
   * env). 'high': Attio's client-side limiter and pacer lifted (AppModuleOverrides.policies), for benches that
   * measure our cost rather than the platforms' limits, and for set-up.
   */
  clientLimits: 'default' | 'high';
  logLevel?: string;
}

/** The API as main.ts builds it (createApiApp, production logging and defaults), on the emulators. */
export async function startApi(s: ApiSettings): Promise<{ url: string; close(): Promise<void> }> {
  const apiUrl = `http://127.0.0.1:${s.port}`;
  const config = loadAppConfig({
    NODE_ENV: 'production',
    // Sandbox mode (the emulators' credentials), stated explicitly as production requires.
    INTEGRATION_MODE: 'sandbox',
    DATA_DIR: s.dataDir,
    PORT: String(s.port),
    PUBLIC_API_URL: apiUrl,
    ADMIN_TOKEN,
    // As behind one proxy (Render): the benches give each customer its own address in X-Forwarded-For.
    TRUST_PROXY_HOPS: '1',
    LOG_LEVEL: s.logLevel ?? 'info',
    ATTIO_API_URL: `${s.urls.attio}/v2`,
    ZOHO_ACCOUNTS_URL: s.urls.zoho,
    ZOHO_API_URL: `${s.urls.zoho}/billing/v1`,
    ZOHO_REQUESTS_PER_MINUTE: String(s.zohoRequestsPerMinute),
    BRAINTREE_GATEWAY_URL: s.urls.braintree,
  });
  const unlimited = { limit: Infinity, windowMs: 1_000 };
  const app = await createApiApp(
    config,
    s.clientLimits === 'high'
      ? { policies: { attio: { rateLimits: { read: unlimited, write: unlimited } } } }
      : {},
  );
  await app.listen(s.port, '127.0.0.1');
  await app.get(SandboxProvisioner).done;
  return { url: apiUrl, close: () => app.close() };
}

// ---- IPC: the parent's commands ----------------------------------------------------------------------------

export type Commands = Record<string, (args: Record<string, unknown>) => unknown>;

/**
 * Answers `{id, cmd, args}` messages from the parent with `{id, result}` or `{id, error}`; 'stop' closes and
 * exits. The first message sent is `ready` (what startChildTarget in bench/support waits for).
 */
export function serveCommands(
  ready: Record<string, unknown>,
  commands: Commands,
  close: () => Promise<void>,
): void {
  // The parent went away without saying stop (it crashed or was killed): do not linger.
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
  process.on('message', (msg: unknown) => {
    if (msg === 'stop') {
      void close().finally(() => process.exit(0));
      return;
    }
    const { id, cmd, args } = msg as { id: string; cmd: string; args?: Record<string, unknown> };
    const handler = commands[cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${cmd}`);
        return handler(args ?? {});
      })
      .then(
        (result) => process.send?.({ id, result }),
        (err: unknown) => process.send?.({ id, error: err instanceof Error ? err.stack : String(err) }),
      );
  });
  process.send?.(ready);
}

/**
 * CPU profiling of this process on command (the V8 inspector in-process), so a profile covers exactly a
 * timed phase: `profile.start`, then `profile.stop {file}` writes a .cpuprofile.
 */
export function profilerCommands(): Commands {
  let session: Session | undefined;
  const post = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) =>
      session?.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
  return {
    'profile.start': async () => {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 250 });
      await post('Profiler.start');
    },
    'profile.stop': async ({ file }) => {
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      writeFileSync(String(file), JSON.stringify(profile));
      session?.disconnect();
      session = undefined;
      return file;
    },
  };
}

/** Polls until `probe` returns a value (not undefined/false), or throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs: number,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---- Attio records and checkout sessions (emulators process) -----------------------------------------------

const SANDBOX_MEMBER = { type: 'workspace-member' as const, id: '0b5c3a8e-2f7d-4c61-9e1a-6d2f4b8c0001' };

/** The current value of each attribute of a companies record (libs/testing attioRecordValues). */
export function recordValues(e: Emulators, recordId: string): Record<string, string | undefined> {
  return attioRecordValues(e.attio, recordId);
}

/** A companies record, created as a workspace member would (its record.created webhook goes out if on). */
export function createCompany(e: Emulators, name: string): string {
  const object = e.attio.state.object('companies');
  const record = e.attio.records.create(object, { data: { values: { name } } }, SANDBOX_MEMBER);
  return record.id.record_id;
}

/**
 * Checkout sessions the way a salesperson makes them: a company record, then the trigger set in Attio's UI
 * (subscription_plan + subscription_status = send_checkout); the API's trigger workflow writes the link back.
 * Made `batch` at a time; returns each record with its token. Webhooks must be on.
 */
export async function createSessions(
  e: Emulators,
  n: number,
  plan: string,
  batch = 25,
  prefix = 'Bench',
): Promise<Array<{ recordId: string; token: string; name: string }>> {
  const out: Array<{ recordId: string; token: string; name: string }> = [];
  const run = randomUUID().slice(0, 6);
  for (let start = 0; start < n; start += batch) {
    const ids: Array<{ recordId: string; name: string }> = [];
    for (let i = start; i < Math.min(n, start + batch); i++) {
      const name = `${prefix} ${run} ${i + 1}`;
      ids.push({ recordId: createCompany(e, name), name });
    }
    for (const { recordId } of ids) {
      e.attio.userEdit('companies', recordId, {
        subscription_plan: plan,
        subscription_status: 'send_checkout',
      });
    }
    for (const { recordId, name } of ids) {
      const link = await waitFor(
        `checkout link on ${recordId}`,
        () => {
          const v = recordValues(e, recordId);
          return v['subscription_status'] === 'checkout_sent' && v['checkout_link'];
        },
        60_000,
      );
      const m = /\/c\/([^/?#]+)$/.exec(link);
      if (!m) throw new Error(`not a checkout link: ${link}`);
      out.push({ recordId, token: m[1], name });
    }
  }
  return out;
}

/**
 * A bench's targets entry: `<bundle> emulators <arg>` runs the bench's emulators child, `<bundle> api
 * <settings>` the API child (same for every bench).
 */
export function runTarget(emulators: (arg: string) => Promise<void>): void {
  const main = async () => {
    const [kind, arg] = process.argv.slice(2);
    if (kind === 'emulators') return emulators(arg);
    if (kind === 'api') {
      const api = await startApi(JSON.parse(arg) as ApiSettings);
      serveCommands({ url: api.url }, profilerCommands(), () => api.close());
      return;
    }
    throw new Error(`unknown target ${kind}`);
  };
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
