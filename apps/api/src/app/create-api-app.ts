import { AppConfig, configureHttpApp, fastifyAdapterOptions, servesHttpApi } from '@aia/platform';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppModuleOverrides } from './app.module';

/** Builds the API exactly as production runs it, for the configured role (AppModule); main.ts, the flow tests and the benchmarks use this. */
export async function createApiApp(
  config: AppConfig,
  overrides: AppModuleOverrides = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, overrides),
    new FastifyAdapter(fastifyAdapterOptions(config)),
    { rawBody: true, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  // A worker (APP_ROLE worker) serves health and metrics only: no API to document at /docs.
  await configureHttpApp(app, config, { swagger: servesHttpApi(config.role) });
  return app;
}
