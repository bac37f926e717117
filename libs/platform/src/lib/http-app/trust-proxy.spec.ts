/*
 * Which address req.ip is (the key of the checkout's per-IP limits) for each TRUST_PROXY_HOPS, on the real
 * Fastify options (fastifyAdapterOptions). Injected requests come from `remoteAddress`, the socket's peer: the
 * proxy when there is one. The limits themselves: apps/api security/client-ip-throttling.spec.ts.
 */
import { Controller, Get, Module, Req } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import { loadAppConfig } from '../config/app-config.schema';
import { AppConfigModule } from '../config/app-config.module';
import { configureHttpApp, fastifyAdapterOptions, trustProxyOption } from './configure-http-app';

@Controller('whoami')
class WhoAmIController {
  @Get()
  whoami(@Req() req: FastifyRequest): { ip: string; ips?: string[] } {
    return { ip: req.ip, ips: req.ips };
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

/** The socket's peer: the proxy in front of the API (or the client itself when there is none). */
const PEER = '10.21.157.68';

async function startApp(hops: string | undefined): Promise<NestFastifyApplication> {
  const config = loadAppConfig(hops === undefined ? {} : { TRUST_PROXY_HOPS: hops });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config), WhoAmIModule],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(fastifyAdapterOptions(config)),
    { logger: false },
  );
  await configureHttpApp(app, config, { swagger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function ipOf(app: NestFastifyApplication, forwardedFor?: string): Promise<string> {
  const res = await app
    .getHttpAdapter()
    .getInstance()
    .inject({
      method: 'GET',
      url: '/whoami',
      remoteAddress: PEER,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
  expect(res.statusCode).toBe(200);
  return (res.json() as { ip: string }).ip;
}

describe('trustProxyOption', () => {
  it('trusts no proxy at 0 and exactly that many hops otherwise, never every hop', () => {
    expect(trustProxyOption(0)).toBe(false);
    expect(trustProxyOption(1)).toBe(1);
    expect(trustProxyOption(2)).toBe(2);
    expect(fastifyAdapterOptions().trustProxy).toBe(false);
    expect(fastifyAdapterOptions({ trustProxyHops: 1 }).trustProxy).toBe(1);
  });
});

describe('req.ip', () => {
  describe('with no proxy (TRUST_PROXY_HOPS unset: 0, local and docker-compose)', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => (app = await startApp(undefined)));
    afterAll(() => app.close());

    it("is the socket's address: a client's X-Forwarded-For is ignored", async () => {
      expect(await ipOf(app)).toBe(PEER);
      expect(await ipOf(app, '6.6.6.6')).toBe(PEER);
      expect(await ipOf(app, '6.6.6.6, 203.0.113.7')).toBe(PEER);
    });
  });

  describe('behind one proxy (TRUST_PROXY_HOPS=1, Render)', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => (app = await startApp('1')));
    afterAll(() => app.close());

    it('is the entry the proxy appended (the rightmost), not what the client wrote before it', async () => {
      expect(await ipOf(app, '203.0.113.7')).toBe('203.0.113.7');
      expect(await ipOf(app, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
      expect(await ipOf(app, '1.1.1.1, 6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    });

    it('cannot be chosen by the client: every forged leftmost entry gives the same throttle key', async () => {
      const keys = new Set<string>();
      for (let i = 0; i < 20; i++) keys.add(await ipOf(app, `6.6.${i}.${i}, 203.0.113.7`));
      expect([...keys]).toEqual(['203.0.113.7']);
    });

    it("is the socket's address when the header is missing", async () => {
      expect(await ipOf(app)).toBe(PEER);
    });
  });

  describe('behind two proxies (TRUST_PROXY_HOPS=2)', () => {
    let app: NestFastifyApplication;
    beforeAll(async () => (app = await startApp('2')));
    afterAll(() => app.close());

    it('is the entry the outer proxy appended', async () => {
      expect(await ipOf(app, '6.6.6.6, 203.0.113.7, 104.22.17.40')).toBe('203.0.113.7');
    });
  });
});
