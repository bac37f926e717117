import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsEmail, IsInt, IsString, Min } from 'class-validator';
import type { InjectOptions } from 'fastify';
import { loadAppConfig } from '../config/app-config.schema';
import { AppConfigModule } from '../config/app-config.module';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { HealthModule } from '../health/health.module';
import { ReadinessRegistry } from '../health/readiness.registry';
import { getCorrelationId } from '../logging/correlation';
import { configureHttpApp, fastifyAdapterOptions } from './configure-http-app';

class SignupDto {
  @IsEmail() email!: string;
  @IsString() name!: string;
  @IsInt() @Min(1) seats!: number;
}

@Controller('probe')
class ProbeController {
  @Post()
  create(@Body() body: SignupDto): { ok: true; seats: number } {
    return { ok: true, seats: body.seats };
  }

  @Get('conflict')
  conflict(): never {
    throw new DomainError(ErrorCode.Conflict, 'already done', { id: 1 });
  }

  @Get('crash')
  crash(): never {
    throw new Error('secret internals at /srv/app.ts:12');
  }

  @Get('correlation')
  correlation(): { id: string | undefined } {
    return { id: getCorrelationId() };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('configureHttpApp', () => {
  let app: NestFastifyApplication;
  const config = loadAppConfig({ CHECKOUT_PUBLIC_URL: 'https://pay.example.com' });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), HealthModule, ProbeModule],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(fastifyAdapterOptions()),
      {
        rawBody: true,
        logger: false,
      },
    );
    await configureHttpApp(app, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const inject = (opts: InjectOptions) => app.getHttpAdapter().getInstance().inject(opts);

  it('answers unknown routes with 404 in the standard error shape', async () => {
    const res = await inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Cannot GET /nowhere' } });
  });

  it('names each offending field on a bad body and rejects unknown fields', async () => {
    const res = await inject({
      method: 'POST',
      url: '/probe',
      payload: { email: 'nope', seats: 0, admin: true },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['admin', 'email', 'name', 'seats']);
  });

  it('accepts and transforms a valid body', async () => {
    const res = await inject({
      method: 'POST',
      url: '/probe',
      payload: { email: 'a@b.co', name: 'A', seats: 3 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ ok: true, seats: 3 });
  });

  it('answers a body over 1 MiB with 413 in the standard shape', async () => {
    const res = await inject({
      method: 'POST',
      url: '/probe',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('answers malformed JSON with 400', async () => {
    const res = await inject({
      method: 'POST',
      url: '/probe',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('maps domain errors to their status and hides internals of unexpected ones', async () => {
    const conflict = await inject({ method: 'GET', url: '/probe/conflict' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toEqual({
      error: { code: 'conflict', message: 'already done', details: { id: 1 } },
    });
    const crash = await inject({ method: 'GET', url: '/probe/crash' });
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toContain('/srv/app.ts');
    expect(crash.json()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
  });

  it('sets security headers and limits CORS to the checkout origin', async () => {
    const allowed = await inject({
      method: 'OPTIONS',
      url: '/probe',
      headers: { origin: 'https://pay.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://pay.example.com');
    const denied = await inject({
      method: 'OPTIONS',
      url: '/probe',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    // On every answer, errors included (a 404 here).
    for (const url of ['/health/live', '/no/such/route']) {
      const res = await inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeDefined();
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('lets the ops page (checkout origin) preflight an admin GET with its bearer token', async () => {
    const preflight = await inject({
      method: 'OPTIONS',
      url: '/admin/events',
      headers: {
        origin: 'https://pay.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://pay.example.com');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain(
      'authorization',
    );
    expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/GET.*POST|POST.*GET/);
    const foreign = await inject({
      method: 'OPTIONS',
      url: '/admin/events',
      headers: {
        origin: 'https://evil.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps a caller correlation id through the handler, or makes one', async () => {
    const given = await inject({
      method: 'GET',
      url: '/probe/correlation',
      headers: { 'x-correlation-id': 'job-42' },
    });
    expect(given.json()).toEqual({ id: 'job-42' });
    expect(given.headers['x-correlation-id']).toBe('job-42');
    const unsafe = await inject({
      method: 'GET',
      url: '/probe/correlation',
      headers: { 'x-correlation-id': 'bad id\nwith newline' },
    });
    expect(unsafe.json().id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves liveness, readiness from registered checks, and the OpenAPI UI', async () => {
    expect((await inject({ method: 'GET', url: '/health/live' })).json().status).toBe('ok');
    const registry = app.get(ReadinessRegistry);
    registry.register('store', async () => ({ store: { status: 'up' } }));
    const ready = await inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().info.store.status).toBe('up');
    registry.register('store', async () => {
      throw new Error('disk full');
    });
    const notReady = await inject({ method: 'GET', url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().error.code).toBe('service_unavailable');
    expect((await inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
    const doc = await inject({ method: 'GET', url: '/docs-json' });
    expect(doc.json().paths['/health/ready']).toBeDefined();
    const ui = await inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('javascript');
    expect(ui.body.length).toBeGreaterThan(100_000);
    // Only the listed UI files are served; anything else is an ordinary 404.
    for (const url of ['/docs/package.json', '/docs/..%2F..%2Fpackage.json']) {
      const miss = await inject({ method: 'GET', url });
      expect(miss.statusCode).toBe(404);
      expect(miss.json().error.code).toBe('not_found');
    }
  });
});
