import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { PRE_SCRUBBED, scrubString } from './redact';

/** Health probes (Render polls every few seconds) are not logged. */
export const UNLOGGED_PREFIX = '/health';

/**
 * One access line per request from a Fastify hook, in pino-http's shape (`req`, `res`, `responseTime`, msg
 * "request completed") plus the correlation id. pino-http's middleware is not used: it built a child logger
 * per request, and running any Nest middleware at all meant @fastify/middie on every request; together they
 * cost more than storing a webhook did (bench/webhook-ingest). Lines written while handling the request get
 * the correlation id from AsyncLocalStorage (the logger's mixin), so nothing needs a per-request logger.
 */
export function registerAccessLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    // PinoLogger.root is set when nestjs-pino builds its logger (app init); read here per request.
    const log = PinoLogger.root as PinoLogger['logger'] | undefined;
    if (log && !req.url.startsWith(UNLOGGED_PREFIX)) {
      const status = reply.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      // Every string is scrubbed without the logger's redaction walk (a deep copy per line): the id here (it
      // may come from the caller's header), the URL by the logger's `req` serializer, which runs on every
      // `req` it is given (logging.module.ts).
      const id = scrubString(req.id);
      log[level](
        {
          req: { id, method: req.method, url: req.url },
          res: { statusCode: status },
          responseTime: Math.round(reply.elapsedTime),
          correlationId: id,
          [PRE_SCRUBBED]: true,
        },
        'request completed',
      );
    }
    done();
  });
}
