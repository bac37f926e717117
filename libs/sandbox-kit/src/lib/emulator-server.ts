import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AddressInfo } from 'node:net';
import { SandboxClock } from './clock';
import { FaultConfig, FaultInjector } from './fault-injector';
import { WebhookDispatcher, WebhookDispatcherOptions } from './webhook-dispatcher';

export const CONTROL_PREFIX = '/__sandbox';

export interface EmulatorOptions {
  name: string;
  /** Writes the platform's own body for an injected fault (each platform has its own error shape). */
  faultReply: (
    reply: FastifyReply,
    kind: 'error' | 'rate_limit',
    status: number,
    clock: SandboxClock,
  ) => FastifyReply;
  webhooks?: WebhookDispatcherOptions;
  bodyLimitBytes?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The chassis every emulator stands on: a Fastify server with a clock, seeded fault injection, an outbound
 * webhook dispatcher and the shared control API under `/__sandbox` (never part of the emulated API).
 * Platform routes are added by each emulator on `emulator.app`.
 */
export class EmulatorServer {
  readonly app: FastifyInstance;
  readonly clock = new SandboxClock();
  readonly faults = new FaultInjector();
  readonly webhooks: WebhookDispatcher;
  private readonly resetHandlers: Array<() => void> = [];
  /** Requests held back by injected latency/hangs; answered at once on close so close() never waits for them. */
  private readonly delayed = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly options: EmulatorOptions) {
    this.webhooks = new WebhookDispatcher(options.webhooks);
    this.app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? 5 * 1024 * 1024 });
    this.app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    this.app.addHook('onRequest', (req, reply, done) => this.injectFault(req, reply, done));
    this.registerControlRoutes();
  }

  /** Registers state clearing for `POST /__sandbox/reset`. */
  onReset(handler: () => void): void {
    this.resetHandlers.push(handler);
  }

  reset(): void {
    this.faults.clear();
    this.clock.reset();
    this.webhooks.clear();
    for (const h of this.resetHandlers) h();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<RunningEmulator> {
    await this.app.listen({ port, host });
    const address = this.app.server.address() as AddressInfo;
    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      close: () => this.close(),
    };
  }

  async close(): Promise<void> {
    for (const [timer, act] of this.delayed) {
      clearTimeout(timer);
      act();
    }
    this.delayed.clear();
    await this.webhooks.close();
    await this.app.close();
  }

  private injectFault(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    if (req.url.startsWith(CONTROL_PREFIX)) return done();
    const decision = this.faults.decide(req.url);
    const act = () => {
      if (decision.kind === 'error') this.options.faultReply(reply, 'error', decision.status, this.clock);
      else if (decision.kind === 'rate_limit') this.options.faultReply(reply, 'rate_limit', 429, this.clock);
      else done();
    };
    if (decision.delayMs <= 0) return act();
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      act();
    }, decision.delayMs);
    timer.unref();
    this.delayed.set(timer, act);
  }

  private registerControlRoutes(): void {
    const app = this.app;
    app.post(`${CONTROL_PREFIX}/reset`, async () => {
      this.reset();
      return { ok: true };
    });
    app.get(`${CONTROL_PREFIX}/clock`, async () => ({
      now: this.clock.now().toISOString(),
      offset_ms: this.clock.offset,
    }));
    app.post(`${CONTROL_PREFIX}/clock/advance`, async (req, reply) => {
      const b = (req.body ?? {}) as { ms?: number; seconds?: number; days?: number };
      const ms = (b.ms ?? 0) + (b.seconds ?? 0) * 1000 + (b.days ?? 0) * 86_400_000;
      if (!Number.isFinite(ms) || ms <= 0) {
        return reply.code(400).send({ error: 'give a positive ms, seconds or days' });
      }
      const now = await this.clock.advance(ms);
      return { now: now.toISOString() };
    });
    app.get(`${CONTROL_PREFIX}/faults`, async () => this.faults.current);
    app.put(`${CONTROL_PREFIX}/faults`, async (req) => {
      this.faults.configure((req.body ?? {}) as FaultConfig);
      return this.faults.current;
    });
    app.delete(`${CONTROL_PREFIX}/faults`, async () => {
      this.faults.clear();
      return { ok: true };
    });
    app.get(`${CONTROL_PREFIX}/webhooks/deliveries`, async (req) => {
      const q = req.query as { status?: 'pending' | 'delivered' | 'failed'; event?: string };
      return { deliveries: this.webhooks.list(q) };
    });
  }
}
