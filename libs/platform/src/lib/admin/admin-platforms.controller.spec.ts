import { hostname } from 'node:os';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { OpsPlatformsReport } from '@aia/contracts';
import { AppConfigModule } from '../config/app-config.module';
import { loadAppConfig } from '../config/app-config.schema';
import { configureHttpApp, fastifyAdapterOptions } from '../http-app/configure-http-app';
import { MetricsModule } from '../metrics/metrics.module';
import type { MetricsModuleOptions } from '../metrics/metrics.module';
import { PolicyRegistry } from '../resilience/policy-registry';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { testDeps, testPolicyConfig, upstreamError } from '../resilience/upstream-policy.fixtures';

const TOKEN = 'platforms-admin-token';

async function start(options?: MetricsModuleOptions): Promise<NestFastifyApplication> {
  const config = loadAppConfig({ ADMIN_TOKEN: TOKEN });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config), MetricsModule.forRoot(options)],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(fastifyAdapterOptions()),
    { logger: false },
  );
  await configureHttpApp(app, config, { swagger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('GET /admin/platforms', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app.close());

  it('refuses a missing or wrong token with 401 in the standard shape', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }]) {
      const res = await app.inject({ method: 'GET', url: '/admin/platforms', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('reports the instance and each registered platform: breaker, recent errors, rate limits', async () => {
    const policy = new UpstreamPolicy(
      testPolicyConfig({
        platform: 'zoho',
        maxAttempts: 1,
        rateLimits: {
          read: { limit: Infinity, windowMs: 1_000 },
          write: { limit: Infinity, windowMs: 1_000 },
          shared: { limit: 100, windowMs: 60_000 },
        },
      }),
      testDeps(),
    );
    app.get(PolicyRegistry).register(policy);
    await policy
      .read('invoice.get', () => Promise.reject(upstreamError('rate_limited', { status: 429 })))
      .catch(() => undefined);

    const res = await app.inject({
      method: 'GET',
      url: '/admin/platforms',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<OpsPlatformsReport>();
    expect(body.instance).toEqual({ role: 'all', pid: process.pid, startedAt: expect.any(String) });
    expect(Date.parse(body.instance.startedAt)).toBeLessThanOrEqual(Date.now());
    // One process, in-memory board: `instances` is this one alone, with the same (fresh) platforms.
    expect(body.instances).toEqual([
      {
        ...body.instance,
        hostname: hostname(),
        publishedAt: expect.any(String),
        platforms: body.platforms,
      },
    ]);
    expect(body.platforms).toEqual([
      {
        platform: 'zoho',
        breaker: 'closed',
        recentErrors: [
          { at: expect.any(String), operation: 'invoice.get', outcome: 'rate_limited', status: 429 },
        ],
        rateLimits: [
          { kind: 'read', limit: null, windowMs: 1_000, used: 1, headroom: null },
          { kind: 'write', limit: null, windowMs: 1_000, used: 0, headroom: null },
          { kind: 'shared', limit: 100, windowMs: 60_000, used: 1, headroom: 99 },
        ],
      },
    ]);
  });
});

describe('MetricsModule.forRoot({ adminRoutes: false })', () => {
  it('serves /metrics but not /admin/platforms (a worker process)', async () => {
    const app = await start({ adminRoutes: false });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/admin/platforms',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
