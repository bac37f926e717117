import { ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { classToPlain, plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate } from 'class-validator';
import type { FastifyServerOptions } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../config/app-config';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { CORRELATION_HEADER, runWithCorrelationId } from '../logging/correlation';
import { registerAccessLog } from '../logging/access-log';
import { correlationIdFor } from '../logging/logging.module';
import { registerOpenApiDocs } from './openapi-docs';
import { registerSecurityHeaders } from './security-headers';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Fastify's `trustProxy` for TRUST_PROXY_HOPS. A number n trusts the n addresses nearest the socket: Fastify 5
 * (lib/request.js getTrustProxyFn: `(addr, i) => i < n`) hands it to @fastify/proxy-addr, which walks
 * [socket, X-Forwarded-For right to left] and stops at the first untrusted entry, so req.ip is the entry the
 * outermost trusted proxy appended (docs/Reference/Server.md, `trustProxy`: "Trust the nth hop from the
 * front-facing proxy server as the client"). Entries further left are whatever the client sent and are never
 * req.ip. `true` (trust every hop) would make req.ip the leftmost entry, chosen by the client: the per-IP
 * checkout limits (libs/checkout checkout-throttling.ts) key on req.ip. 0: no proxy, the header is ignored.
 */
export function trustProxyOption(hops: number): number | false {
  return hops > 0 ? hops : false;
}

/** Options for `new FastifyAdapter(...)`, shared by main.ts and the tests (no config: trusts no proxy). */
export function fastifyAdapterOptions(
  config: Pick<AppConfig, 'trustProxyHops'> = { trustProxyHops: 0 },
): FastifyServerOptions & { skipMiddie: boolean } {
  return {
    // The app has no Nest middleware (request logging and correlation ids are Fastify hooks): without it,
    // @fastify/middie's per-request hook cost ~60 µs of CPU per webhook (bench/webhook-ingest). Code that
    // needs middleware should use a Fastify hook in configureHttpApp instead.
    skipMiddie: true,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(config.trustProxyHops),
    // Checkout tokens (signed JWTs, ~400 characters) travel in the path; Fastify's default is 100 (414 past it).
    routerOptions: { maxParamLength: 2048 },
    genReqId: (req) => correlationIdFor(req as IncomingMessage),
  };
}

/** Flattens class-validator errors into `[{field, problems}]` for the error body's details. */
export function validationDetails(
  errors: ValidationError[],
  parent = '',
): Array<{ field: string; problems: string[] }> {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...validationDetails(e.children ?? [], field)];
  });
}

export interface ConfigureOptions {
  /** Serve the OpenAPI document at /docs (off in some tests to keep them fast). */
  swagger?: boolean;
}

/**
 * Everything a running API needs besides its modules: correlation ids, security headers, CORS limited to
 * the checkout origin, strict validation, one error shape, OpenAPI. Shared by main.ts and the tests so
 * the tests exercise the real setup.
 */
export async function configureHttpApp(
  app: NestFastifyApplication,
  config: AppConfig,
  options: ConfigureOptions = {},
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // req.id is the correlation id (see fastifyAdapterOptions.genReqId); every log line and background job
  // started from this request carries it.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header(CORRELATION_HEADER, req.id);
    runWithCorrelationId(req.id, done);
  });
  registerAccessLog(fastify);
  registerSecurityHeaders(fastify);
  app.enableCors({
    origin: [config.checkoutPublicUrl],
    methods: ['GET', 'POST'],
    // authorization: the ops page (served from the checkout origin) calls the admin API with its bearer token.
    allowedHeaders: ['content-type', 'authorization', CORRELATION_HEADER],
    maxAge: 600,
  });
  // Handed over explicitly: the production bundle carries trimmed copies of both packages
  // (tools/trimmed-packages.mjs) and the pipe must use them, not load the full packages from node_modules.
  const validatorPackage = { validate, getMetadataStorage };
  app.useGlobalPipes(
    new ValidationPipe({
      validatorPackage,
      transformerPackage: { plainToInstance, classToPlain },
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) =>
        new DomainError(ErrorCode.ValidationFailed, 'Request validation failed', validationDetails(errors)),
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  if (options.swagger !== false) registerOpenApiDocs(app);
  app.enableShutdownHooks();
}
