// Webhook-ingest bench targets, bundled by run.mjs (tools/build-node-app.mjs: esbuild + swc for Nest's
// decorator metadata) and started one per child process:
//   node tmp/bench-webhook-ingest/targets.js <api|bare> <dataDir>
// `api` is the real API (createApiApp from apps/api), logging at its production default (info, JSON).
// `bare` is plain Fastify doing the same HMAC check and the same SQLite writes (inbox row + job row,
// through the same store classes, with the same content: the headers the Zoho guard keeps and a
// correlation id, as the API stores them). The child reports its URL over IPC and serves until told to stop.
import 'reflect-metadata';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { AppConfig, loadAppConfig, pickHeaders } from '@aia/platform';
import { ZOHO_KEPT_HEADERS } from '@aia/zoho';
import { createApiApp } from '../../apps/api/src/app/create-api-app';
import {
  EVENT_JOB,
  EventHandlerRegistry,
  JOB_QUEUE,
  eventJobId,
  eventsDbPath,
  openSqlite,
  SqliteCheckpointer,
  SqliteEventInbox,
  SqliteJobQueue,
} from '@aia/events';

interface Running {
  url: string;
  close(): Promise<void>;
}

const [kind, dataDir] = process.argv.slice(2);
const workers = process.env['BENCH_WORKERS'] !== '0';

function config(): AppConfig {
  return loadAppConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'production' });
}

async function api(): Promise<Running> {
  // The real API (apps/api createApiApp: AppModule, logging, helmet, validation), as main.ts starts it.
  const cfg = loadAppConfig({
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  });
  const app = await createApiApp(cfg);
  // The handler a workflow would register; a no-op so the bench measures the pipeline, not a workflow.
  app.get(EventHandlerRegistry).register('zoho', 'invoice_created', () => undefined);
  await app.listen(0, '127.0.0.1');
  // Ingest-only comparison (--no-workers): stop the workers the API started; enqueueing still happens.
  if (!workers) await app.get<{ stop(graceMs?: number): Promise<void> }>(JOB_QUEUE).stop(0);
  return { url: await app.getUrl(), close: () => app.close() };
}

async function bare(): Promise<Running> {
  const cfg = config();
  const file = eventsDbPath(cfg.dataDir);
  const db = openSqlite(file);
  // The same store setup as the API's (createEventsStore): checkpoints off the event loop.
  const checkpointer = new SqliteCheckpointer(db, file);
  checkpointer.start();
  const inbox = new SqliteEventInbox(db);
  const queue = new SqliteJobQueue(db, {}, 'events');
  const secret = cfg.zoho.webhookSecrets[0];
  const app = Fastify({ logger: false, bodyLimit: 1048576 });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/webhooks/zoho', async (req, reply) => {
    const raw = req.body as Buffer;
    const given = Buffer.from(String(req.headers['x-zoho-webhook-signature'] ?? ''), 'hex');
    const expected = createHmac('sha256', secret).update(raw).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return reply.code(401).send({ error: 'signature' });
    const payload = JSON.parse(raw.toString('utf8')) as { event_id: string; event_type: string };
    const { event, created } = await inbox.insert({
      webhook: {
        platform: 'zoho',
        eventId: payload.event_id,
        type: payload.event_type,
        payload,
        rawBody: raw.toString('utf8'),
        // What ZohoWebhookGuard keeps, plus the correlation id the API generates for a request without one.
        headers: { ...pickHeaders(req.headers, ZOHO_KEPT_HEADERS), 'x-correlation-id': randomUUID() },
        receivedAt: new Date().toISOString(),
      },
      state: 'pending',
    });
    if (created)
      await queue.enqueue(EVENT_JOB, { eventId: event.id }, { id: eventJobId(event.id), key: event.key });
    return { id: event.id, status: created ? 'accepted' : 'duplicate' };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await checkpointer.stop();
      db.close();
    },
  };
}

async function main(): Promise<void> {
  const running = kind === 'api' ? await api() : await bare();
  process.send?.({ url: running.url });
  process.on('message', (msg) => {
    if (msg === 'stop') void running.close().then(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
