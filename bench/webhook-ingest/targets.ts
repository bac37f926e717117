// Webhook-ingest bench targets, bundled by run.mjs (tools/build-node-app.mjs: esbuild + swc for Nest's
// decorator metadata) and started one per child process:
//   node tmp/bench-webhook-ingest/targets.js <api|bare> <dataDir>
// `api` is the real API (createApiApp from apps/api), logging at its production default (info, JSON).
// `bare` is the simplest server that does the same job: plain Fastify, the same HMAC check, and the same rows
// (inbox row + job row, in one transaction, with the content the API stores) written with plain prepared
// better-sqlite3 statements on the schema the real store creates, committed with the same durability
// (WAL, synchronous=FULL: on stable storage before the 200). It uses none of the project's store classes.
// The child reports its URL over IPC and serves until told to stop.
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { AppConfig, loadAppConfig, pickHeaders } from '@aia/platform';
import { ZOHO_KEPT_HEADERS } from '@aia/zoho';
import { createApiApp } from '../../apps/api/src/app/create-api-app';
import { EventHandlerRegistry, JOB_QUEUE } from '@aia/events';

interface Running {
  url: string;
  close(): Promise<void>;
}

const [kind, dataDir] = process.argv.slice(2);
const workers = process.env['BENCH_WORKERS'] !== '0';
/**
 * The event type the bench sends (run.mjs signs the same). No workflow handles it (libs/workflows registers
 * invoice_created, payment_*, four subscription_* types and Braintree/Attio kinds, not this one), so the bench
 * registers a no-op handler for it: with workers on, the API runs the whole pipeline (claim, attempt, handler,
 * completion) without a workflow calling Zoho, Attio or Braintree, which are not running here.
 */
const BENCH_EVENT_TYPE = process.env['BENCH_EVENT_TYPE'] ?? 'subscription_renewed';
/**
 * `plain` (default, the baseline of the headline ratio): one fsynced transaction per request. `group`: the
 * same server committing the requests that arrive within 1 ms together (the API's group commit, 20 lines),
 * run on request (`run.mjs --bare group`) to see what the API costs beyond the store's commit strategy.
 */
const BARE_COMMIT = process.env['BENCH_BARE'] === 'group' ? 'group' : 'plain';

function config(): AppConfig {
  return loadAppConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    INTEGRATION_MODE: 'sandbox',
  });
}

async function api(): Promise<Running> {
  // The real API (apps/api createApiApp: AppModule, logging, helmet, validation), as main.ts starts it,
  // except that the sandbox Attio workspace is not provisioned at start-up (no emulator runs here).
  // Sandbox mode: the sandbox webhook secrets (run.mjs signs with them); no upstream is called (see above).
  const cfg = loadAppConfig({
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    INTEGRATION_MODE: 'sandbox',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  });
  const app = await createApiApp(cfg, { workflows: { provisionOnStart: false } });
  const registry = app.get(EventHandlerRegistry);
  if (registry.has('zoho', BENCH_EVENT_TYPE))
    throw new Error(`a workflow now handles zoho ${BENCH_EVENT_TYPE}: pick another BENCH_EVENT_TYPE`);
  // The handler a workflow would register; a no-op so the bench measures the pipeline, not a workflow.
  registry.register('zoho', BENCH_EVENT_TYPE, () => undefined);
  await app.listen(0, '127.0.0.1');
  // Ingest-only comparison (--no-workers): stop the workers the API started; enqueueing still happens.
  if (!workers) await app.get<{ stop(graceMs?: number): Promise<void> }>(JOB_QUEUE).stop(0);
  return { url: await app.getUrl(), close: () => app.close() };
}

/**
 * The tables the real store creates (SqliteEventInbox, SqliteJobQueue), copied: the bare server writes the
 * same rows into the same indexes. bench/webhook-ingest/RESULTS.md says when this copy was last compared.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state TEXT NOT NULL,
  received_at TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  discard_reason TEXT,
  job_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  raw_body TEXT NOT NULL,
  headers TEXT NOT NULL,
  UNIQUE (platform, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_state ON events(state, stored_at);
CREATE INDEX IF NOT EXISTS events_by_platform_type ON events(platform, type, stored_at);
CREATE TABLE IF NOT EXISTS event_attempts (
  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT NOT NULL,
  error_name TEXT,
  error_message TEXT,
  temporary INTEGER,
  PRIMARY KEY (event_id, attempt)
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  name TEXT NOT NULL,
  key TEXT,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  order_at INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  lease_until INTEGER,
  lease_owner TEXT,
  finished_at INTEGER,
  last_error TEXT,
  discard_reason TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs(queue, state, run_at);
CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs(queue, key, state);
CREATE INDEX IF NOT EXISTS jobs_in_order ON jobs(queue, state, order_at, seq);
`;

async function bare(): Promise<Running> {
  const cfg = config();
  mkdirSync(cfg.dataDir, { recursive: true });
  const db = new Database(join(cfg.dataDir, 'events.sqlite'));
  db.pragma('journal_mode = WAL');
  // Every commit fsyncs the WAL before the answer: the same durability the API gives its inbox write.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insertEvent = db.prepare(
    `INSERT INTO events (id, platform, event_id, type, state, received_at, stored_at, updated_at, job_key, payload, raw_body, headers)
     VALUES (@id, @platform, @eventId, @type, 'pending', @receivedAt, @now, @now, @key, @payload, @rawBody, @headers)
     ON CONFLICT (platform, event_id) DO NOTHING RETURNING id`,
  );
  const heldEvent = db.prepare('SELECT id FROM events WHERE platform = ? AND event_id = ?');
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, queue, name, key, data, state, max_attempts, created_at, order_at, run_at)
     VALUES (@id, 'events', 'event.process', @key, @data, 'waiting', 8, @now, @now, @now)
     ON CONFLICT(id) DO NOTHING`,
  );
  // One transaction per request: the inbox row and its job row commit (and are fsynced) together.
  const store = db.transaction((row: Record<string, unknown>): { id: string; created: boolean } => {
    const created = insertEvent.get(row) as { id: string } | undefined;
    if (!created) {
      const held = heldEvent.get(row['platform'], row['eventId']) as { id: string };
      return { id: held.id, created: false };
    }
    insertJob.run({
      id: `event:${created.id}`,
      key: row['key'],
      data: JSON.stringify({ eventId: created.id }),
      now: row['now'],
    });
    return { id: created.id, created: true };
  });

  type Row = Record<string, unknown>;
  type Stored = { id: string; created: boolean };
  const pending: Array<{ row: Row; resolve(r: Stored): void; reject(e: unknown): void }> = [];
  let timer: NodeJS.Timeout | undefined;
  const storeAll = db.transaction((rows: Row[]) => rows.map((row) => store(row)));
  const flush = () => {
    timer = undefined;
    const batch = pending.splice(0);
    try {
      const results = storeAll(batch.map((p) => p.row));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      batch.forEach((p) => p.reject(err));
    }
  };
  const save = (row: Row): Stored | Promise<Stored> =>
    BARE_COMMIT === 'plain'
      ? store(row)
      : new Promise((resolve, reject) => {
          pending.push({ row, resolve, reject });
          timer ??= setTimeout(flush, 1);
        });

  const secret = cfg.zoho.webhookSecrets[0];
  const app = Fastify({ logger: false, bodyLimit: 1048576 });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/webhooks/zoho', async (req, reply) => {
    const raw = req.body as Buffer;
    const given = Buffer.from(String(req.headers['x-zoho-webhook-signature'] ?? ''), 'hex');
    const expected = createHmac('sha256', secret).update(raw).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return reply.code(401).send({ error: 'signature' });
    const rawBody = raw.toString('utf8');
    const payload = JSON.parse(rawBody) as { event_id: string; event_type: string };
    const { id, created } = await save({
      id: randomUUID(),
      platform: 'zoho',
      eventId: String(payload.event_id),
      type: payload.event_type,
      receivedAt: new Date().toISOString(),
      now: Date.now(),
      key: `zoho:${payload.event_id}`,
      payload: JSON.stringify(payload),
      rawBody,
      // What ZohoWebhookGuard keeps, plus the correlation id the API generates for a request without one.
      headers: JSON.stringify({
        ...pickHeaders(req.headers, ZOHO_KEPT_HEADERS),
        'x-correlation-id': randomUUID(),
      }),
    });
    return { id, status: created ? 'accepted' : 'duplicate', state: 'pending' };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
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
