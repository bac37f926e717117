import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

/**
 * Routes whose access line comes from a lean Fastify hook instead of pino-http. Webhooks are the service's
 * high-volume path: pino-http builds a child logger per request and serializes its bindings, which cost more
 * than storing the webhook did (bench/webhook-ingest). The line has pino-http's shape, so queries work on both.
 */
export const LEAN_ACCESS_LOG_PREFIX = '/webhooks/';
/** Health probes (Render polls every few seconds) are not logged at all. */
export const UNLOGGED_PREFIX = '/health';

/** Nest route patterns (path-to-regexp 8) for the two prefixes, excluded from the pino-http middleware. */
export const PINO_HTTP_EXCLUDED_ROUTES = ['webhooks/*path', 'health/*path'];

export function registerLeanAccessLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    // PinoLogger.root is set when nestjs-pino's middleware is built (app init), read here per request.
    const log = PinoLogger.root as PinoLogger['logger'] | undefined;
    if (log && req.url.startsWith(LEAN_ACCESS_LOG_PREFIX)) {
      const status = reply.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      log[level](
        {
          req: { id: req.id, method: req.method, url: req.url },
          // The live response: pino-http's wrapped serializer reads the status from it (a copy reads null).
          res: reply.raw,
          responseTime: Math.round(reply.elapsedTime),
          correlationId: req.id,
        },
        'request completed',
      );
    }
    done();
  });
}
