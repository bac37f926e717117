/*
 * Builds a real Nest + Fastify app around EventsModule, with the webhook endpoints of TestWebhooksController,
 * for the specs (never exported from the index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import {
  AppConfig,
  AppConfigModule,
  configureHttpApp,
  fastifyAdapterOptions,
  loadAppConfig,
} from '@aia/platform';
import { EventsModule } from '../events.module';
import { EventsModuleOptions } from '../events-options';
import { FAST_TUNING } from '../queue/job-queue.contract';
import { TestWebhooksController } from './test-webhooks.controller';

export const ADMIN_TOKEN = 'test-admin-token-123';

export interface EventsTestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  close(): Promise<void>;
}

export async function startEventsApp(
  opts: {
    env?: Record<string, string>;
    options?: EventsModuleOptions;
    imports?: DynamicModule[];
    /** Mount TestWebhooksController (default true). */
    webhooks?: boolean;
  } = {},
): Promise<EventsTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aia-events-'));
  const config = loadAppConfig({ DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: 'silent', ...opts.env });
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot(config),
      ...(opts.imports ?? []),
      EventsModule.forRootAsync({
        useFactory: () => ({
          queue: { ...FAST_TUNING, maxAttempts: 2, backoff: { baseMs: 20, maxMs: 100 } },
          metricsRegistry: new Registry(),
          shutdownGraceMs: 500,
          alerts: { timeoutMs: 1_000 },
          ...opts.options,
        }),
      }),
    ],
    // The webhook endpoints, behind the test guard (`x-test-signature: good`); apps/api has the real ones.
    controllers: opts.webhooks === false ? [] : [TestWebhooksController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(fastifyAdapterOptions(config)),
    {
      rawBody: true,
      logger: false,
    },
  );
  await configureHttpApp(app, config, { swagger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A local stand-in for the Slack-compatible alert webhook; records every JSON body it receives. */
export async function startAlertSink(): Promise<{
  url: string;
  messages: Array<{ text: string }>;
  close(): Promise<void>;
}> {
  const messages: Array<{ text: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      messages.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    messages,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
