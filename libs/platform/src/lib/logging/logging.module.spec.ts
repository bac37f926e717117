import { Controller, Get, Logger, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import { AppConfigModule } from '../config/app-config.module';
import { loadAppConfig } from '../config/app-config.schema';
import { HealthModule } from '../health/health.module';
import { configureHttpApp, fastifyAdapterOptions } from '../http-app/configure-http-app';
import { runWithCorrelationId } from './correlation';
import { LoggingModule } from './logging.module';

const logger = new Logger('Probe');

@Controller()
class ProbeController {
  @Post('webhooks/probe')
  webhook(): { status: string } {
    return { status: 'accepted' };
  }

  @Get('things')
  things(): { ok: true } {
    logger.log({
      msg: 'looked at things',
      headers: { authorization: 'Bearer abc.def', Cookie: 'sid=1' },
      card: { number: '4111111111111111', holder: 'Ada' },
      note: 'customer typed 5555 5555 5555 4444 in the memo',
      nested: { deeper: { refresh_token: '1000.abc' } },
    });
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

type Line = Record<string, unknown> & { msg?: string; req?: { url?: string }; res?: { statusCode?: number } };

describe('LoggingModule with the HTTP app', () => {
  let app: NestFastifyApplication;
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const settle = () => new Promise((r) => setTimeout(r, 20));
  const linesFor = (url: string) => lines.filter((l) => l.req?.url === url);

  beforeAll(async () => {
    const config = loadAppConfig({ LOG_LEVEL: 'info' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRootAsync({ destination }),
        HealthModule,
        ProbeModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(fastifyAdapterOptions()),
      {
        bufferLogs: true,
      },
    );
    app.useLogger(app.get(PinoNestLogger));
    await configureHttpApp(app, config, { swagger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());
  beforeEach(() => lines.splice(0));

  it('writes one access line per webhook, with the correlation id the caller got', async () => {
    const res = await app.inject({ method: 'POST', url: '/webhooks/probe', payload: {} });
    await settle();
    const access = linesFor('/webhooks/probe');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      msg: 'request completed',
      res: { statusCode: 201 },
      correlationId: res.headers['x-correlation-id'],
    });
    expect(typeof access[0]['responseTime']).toBe('number');
  });

  it('logs a rejected webhook at warn level', async () => {
    await app.inject({ method: 'POST', url: '/webhooks/nope', payload: {} });
    await settle();
    expect(linesFor('/webhooks/nope')).toEqual([
      expect.objectContaining({ level: 40, res: { statusCode: 404 } }),
    ]);
  });

  it('writes the same access line for other routes and none for health probes', async () => {
    await app.inject({ method: 'GET', url: '/health/live' });
    const res = await app.inject({ method: 'GET', url: '/things' });
    await settle();
    expect(linesFor('/health/live')).toHaveLength(0);
    const access = linesFor('/things').filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      res: { statusCode: 200 },
      correlationId: res.headers['x-correlation-id'],
    });
  });

  it('scrubs card numbers and credentials from the access line (URL and caller-given correlation id)', async () => {
    await app.inject({
      method: 'GET',
      url: '/things?memo=4111111111111111',
      headers: { 'x-correlation-id': '5555555555554444' },
    });
    await settle();
    const access = lines.find((l) => l.msg === 'request completed');
    expect(access).toMatchObject({
      req: { url: '/things?memo=[REDACTED_PAN]', id: '[REDACTED_PAN]' },
      correlationId: '[REDACTED_PAN]',
    });
    expect(JSON.stringify(lines)).not.toMatch(/4111111111111111|5555555555554444/);
  });

  it('censors secret keys at any depth and card numbers in any string', async () => {
    const res = await app.inject({ method: 'GET', url: '/things' });
    await settle();
    const line = lines.find((l) => l.msg === 'looked at things');
    expect(line).toMatchObject({
      headers: { authorization: '[REDACTED]', Cookie: '[REDACTED]' },
      card: { number: '[REDACTED]', holder: 'Ada' },
      note: 'customer typed [REDACTED_PAN] in the memo',
      nested: { deeper: { refresh_token: '[REDACTED]' } },
      correlationId: res.headers['x-correlation-id'],
    });
    expect(JSON.stringify(lines)).not.toMatch(/4111111111111111|abc\.def|1000\.abc/);
  });

  it('stamps background work with the correlation id it runs under', async () => {
    runWithCorrelationId('job-42', () => logger.warn('retrying invoice'));
    await settle();
    expect(lines.find((l) => l.msg === 'retrying invoice')).toMatchObject({ correlationId: 'job-42' });
  });
});
