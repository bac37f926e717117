// The three process roles of one build (APP_ROLE / --role): which routes each serves, whether it runs jobs,
// and that readiness says which it is. The Redis-backed run of one web and two workers through a checkout and
// a renewal is flows/web-worker-roles.redis-spec.ts; here the store is SQLite (backend override), so the
// roles' wiring is checked without a Redis server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_JOB, JOB_QUEUE } from '@aia/events';
import type { JobQueue, JobState } from '@aia/events';
import { loadAppConfig } from '@aia/platform';
import type { AppRole } from '@aia/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Registry } from 'prom-client';
import { createApiApp } from './create-api-app';
import { roleFromArgs } from './process-role';

const ADMIN = { authorization: 'Bearer process-roles-admin-token' };

describe('process roles', () => {
  const dirs: string[] = [];
  const apps: NestFastifyApplication[] = [];

  async function boot(role: AppRole): Promise<NestFastifyApplication> {
    const dataDir = mkdtempSync(join(tmpdir(), `aia-role-${role}-`));
    dirs.push(dataDir);
    const config = loadAppConfig({
      APP_ROLE: role,
      // web and worker need it (config); the store is SQLite here all the same (backend below).
      REDIS_URL: 'redis://127.0.0.1:1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN: ADMIN.authorization.slice('Bearer '.length),
    });
    const app = await createApiApp(config, {
      events: { backend: 'sqlite', metricsRegistry: new Registry(), queue: { pollIntervalMs: 20 } },
      workflows: { provisionOnStart: false },
    });
    apps.push(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  }

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const status = async (app: NestFastifyApplication, method: 'GET' | 'POST', url: string) =>
    (await app.inject({ method, url, headers: ADMIN, payload: method === 'POST' ? {} : undefined }))
      .statusCode;

  const readyRole = async (app: NestFastifyApplication) => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    return (res.json() as { info: { process: { status: string; role: string } } }).info.process;
  };

  /** Queues a job with a handler (the event job of an unknown event) and reads its state a moment later. */
  async function jobStateAfterAWhile(app: NestFastifyApplication): Promise<JobState | undefined> {
    const queue = app.get<JobQueue>(JOB_QUEUE);
    const id = `role-probe-${Math.random().toString(36).slice(2)}`;
    await queue.enqueue(EVENT_JOB, { eventId: 'no-such-event' }, { id });
    await new Promise((r) => setTimeout(r, 400));
    return (await queue.get(id))?.state;
  }

  it('worker: processes jobs and serves only /health/live, /health/ready and /metrics', async () => {
    const app = await boot('worker');
    expect(await status(app, 'GET', '/health/live')).toBe(200);
    expect(await readyRole(app)).toEqual({ status: 'up', role: 'worker' });
    expect(await status(app, 'GET', '/metrics')).toBe(200);
    for (const [method, url] of [
      ['POST', '/webhooks/zoho'],
      ['POST', '/webhooks/attio'],
      ['POST', '/webhooks/braintree'],
      ['GET', '/admin/stats'],
      ['GET', '/admin/events'],
      ['GET', '/admin/reconciliation'],
      ['GET', '/admin/platforms'],
      ['POST', '/admin/checkout-sessions'],
      ['GET', '/checkout/sessions/x'],
      ['POST', '/checkout/sessions/x/complete'],
      ['GET', '/docs'],
      ['GET', '/docs-json'],
    ] as const) {
      expect({ method, url, status: await status(app, method, url) }).toEqual({ method, url, status: 404 });
    }
    // The unknown event's job ran (and went dead at once: a permanent error).
    expect(await jobStateAfterAWhile(app)).toBe('dead');
    // The settlement poll is seeded where jobs run.
    const polls = await app.get<JobQueue>(JOB_QUEUE).list({ name: 'workflow.settlement-poll' });
    expect(polls.total).toBe(1);
  });

  it('web: serves webhooks, checkout and admin routes, and runs no job', async () => {
    const app = await boot('web');
    expect(await readyRole(app)).toEqual({ status: 'up', role: 'web' });
    expect(await status(app, 'GET', '/admin/stats')).toBe(200);
    expect(await status(app, 'GET', '/metrics')).toBe(200);
    // Routed: the guard answers (no signature → 401), not the router.
    expect(await status(app, 'POST', '/webhooks/zoho')).toBe(401);
    // Routed and validated (an empty body is refused before the token is even read).
    expect(await status(app, 'POST', '/checkout/sessions/x/complete')).toBe(400);
    expect(await status(app, 'POST', '/admin/checkout-sessions')).toBe(400);
    expect(await status(app, 'GET', '/docs-json')).toBe(200);
    // Queued, never taken: no worker in this process.
    expect(await jobStateAfterAWhile(app)).toBe('waiting');
    // No settlement-poll seed either (it belongs to the processes that run jobs).
    const polls = await app.get<JobQueue>(JOB_QUEUE).list({ name: 'workflow.settlement-poll' });
    expect(polls.total).toBe(0);
  });

  it('all: both', async () => {
    const app = await boot('all');
    expect(await readyRole(app)).toEqual({ status: 'up', role: 'all' });
    expect(await status(app, 'GET', '/admin/stats')).toBe(200);
    expect(await status(app, 'POST', '/webhooks/zoho')).toBe(401);
    expect(await jobStateAfterAWhile(app)).toBe('dead');
  });
});

describe('--role on the built entry (roleFromArgs)', () => {
  it('reads --role VALUE and --role=VALUE; none → undefined', () => {
    expect(roleFromArgs(['--role', 'worker'])).toBe('worker');
    expect(roleFromArgs(['--role=web'])).toBe('web');
    expect(roleFromArgs(['--inspect', '--role', 'all'])).toBe('all');
    expect(roleFromArgs([])).toBeUndefined();
  });

  it('refuses a bad or missing value with a clear message', () => {
    expect(() => roleFromArgs(['--role', 'api'])).toThrow(
      '--role must be one of web, worker, all (got "api")',
    );
    expect(() => roleFromArgs(['--role'])).toThrow('--role needs a value: web, worker, all');
    expect(() => roleFromArgs(['--role', '--other'])).toThrow('--role needs a value');
  });
});
