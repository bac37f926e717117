// Boots the real bundle the way `npm start` and Render do, so start-up failures show here first.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
// Inside the repo so the bundle resolves node_modules like dist/ does.
mkdirSync(join(root, 'tmp'), { recursive: true });
const outDir = mkdtempSync(join(root, 'tmp', 'api-main-'));
const bundle = join(outDir, 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function run(
  env: Record<string, string>,
  args: string[] = [],
): {
  child: ReturnType<typeof spawn>;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      // Production refuses an implicit mode (a live deploy must not fall back to the sandbox).
      INTEGRATION_MODE: 'sandbox',
      LOG_LEVEL: 'warn',
      DATA_DIR: outDir,
      ...env,
    },
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return { child, output: () => out, exit: new Promise((r) => child.on('exit', (code) => r(code))) };
}

beforeAll(() => {
  execFileSync(process.execPath, ['tools/build-node-app.mjs', 'apps/api/src/main.ts', bundle], { cwd: root });
}, 30_000);

describe('API process', () => {
  it('exits non-zero in live mode without credentials, naming each missing variable', async () => {
    const proc = run({ INTEGRATION_MODE: 'live' });
    expect(await proc.exit).toBe(1);
    for (const name of [
      'ATTIO_API_TOKEN',
      'ZOHO_REFRESH_TOKEN',
      'BRAINTREE_PRIVATE_KEY',
      'CHECKOUT_TOKEN_SECRET',
      'ADMIN_TOKEN',
    ]) {
      expect(proc.output()).toContain(`${name}: required when INTEGRATION_MODE=live`);
    }
  });

  it('exits non-zero on a malformed value', async () => {
    const proc = run({ PORT: 'abc' });
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain('PORT:');
  });

  it('refuses a bad --role before reading the config', async () => {
    const proc = run({}, ['--role', 'api']);
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain('--role must be one of web, worker, all (got "api")');
  });

  it('refuses web or worker without REDIS_URL (--role overrides APP_ROLE)', async () => {
    const proc = run({ APP_ROLE: 'all' }, ['--role=worker']);
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain('APP_ROLE: worker needs REDIS_URL');
    expect(proc.output()).toContain('use APP_ROLE=all, or set REDIS_URL');
  });

  it('starts in sandbox mode and answers /health/ready', async () => {
    const port = await freePort();
    const proc = run({ PORT: String(port) });
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status).toBe(200);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as {
        info: { process?: { role: string } };
      };
      expect(ready.info.process?.role).toBe('all');
      // The bundle carries a trimmed class-validator (tools/build-node-app.mjs): validation must still bite.
      const bad = await fetch(`http://127.0.0.1:${port}/admin/events?limit=1000&bogus=1`, {
        headers: { authorization: 'Bearer sandbox-admin-token' },
      });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { code: string; details: Array<{ field: string }> } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details.map((d) => d.field).sort()).toEqual(['bogus', 'limit']);
      // …and so must class-transformer's conversions (the query string's "5" becomes the integer 5).
      const good = await fetch(`http://127.0.0.1:${port}/admin/events?limit=5&state=dead`, {
        headers: { authorization: 'Bearer sandbox-admin-token' },
      });
      expect(good.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
      // The bundle records OpenAPI metadata with its own copy of the swagger decorators; the document built
      // on first request by the full package must still see it (tools/trimmed-packages.mjs).
      const doc = (await (await fetch(`http://127.0.0.1:${port}/docs-json`)).json()) as {
        paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }>;
        components: { schemas: Record<string, unknown> };
      };
      expect(doc.paths['/admin/events']?.get?.parameters?.map((p) => p.name)).toContain('state');
      expect(doc.components.schemas['DiscardEventDto']).toBeDefined();
      // prom-client is bundled as a subset too: process metrics and the app's own series are all there.
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const name of [
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_seconds',
        'events_queue_jobs',
      ]) {
        expect(metrics).toContain(`# TYPE ${name}`);
      }
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exit;
    }
  }, 20_000);
});
