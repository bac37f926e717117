import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CORRELATION_HEADER, getCorrelationId } from './correlation';
import { scrubLogLine, scrubString } from './redact';

/** A correlation id from the caller is kept only if it looks like an id, so logs can't be polluted. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function correlationIdFor(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

/**
 * Production writes JSON lines to stdout through a buffered asynchronous stream: one synchronous write per
 * log line was the largest single cost of answering a webhook (bench/webhook-ingest). pino flushes the
 * buffer on exit, so only a hard kill can lose the last few lines. Development prints readable lines.
 */
function productionDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 4096 });
}

const withCorrelationId = (id: string | undefined): object => (id ? { correlationId: id } : {});

/** nestjs-pino with JSON in production, pretty output in development, redaction everywhere. */
@Module({})
export class LoggingModule {
  /** `destination`: where JSON lines go instead of stdout (tests read them back). */
  static forRootAsync(opts: { destination?: DestinationStream } = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            const options: PinoHttpOptions = {
              level: config.logLevel,
              // Serializers get plain objects from access-log.ts; pino-http's wrappers would first copy a live
              // request/response (every header) only for ours to keep three fields.
              wrapSerializers: false,
              // Every line gets the correlation id of the request or job it belongs to (AsyncLocalStorage,
              // configureHttpApp / runWithCorrelationId); lines that name one keep theirs.
              mixin: (merge: object) =>
                'correlationId' in merge ? {} : withCorrelationId(getCorrelationId()),
              serializers: {
                req: (req: { id?: string; method?: string; url?: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: scrubString(req.url ?? ''),
                }),
                res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
              },
              formatters: { log: scrubLogLine },
              transport:
                config.nodeEnv === 'production' || opts.destination
                  ? undefined
                  : { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } },
            };
            const json =
              opts.destination ?? (config.nodeEnv === 'production' ? productionDestination() : undefined);
            return {
              pinoHttp: json ? [options, json] : options,
              // No request middleware: access lines come from a Fastify hook (access-log.ts). nestjs-pino
              // still builds the pino logger from these options and bridges Nest's Logger to it.
              forRoutes: [],
            };
          },
        }),
      ],
    };
  }
}
