/*
 * The processes a user runs with `npm start`, started the same way but on free ports, with a fresh data
 * directory and shortened recovery delays: the sandbox emulators (dist/apps/sandbox/main.js), the API
 * (dist/apps/api/main.js, sandbox mode, role all, embedded SQLite store) and `vite preview` of the checkout.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ChildService, freePorts, startService, waitForHttp } from './processes';

export interface DemoUrls {
  api: string;
  checkout: string;
  /** Attio REST base (…/v2). */
  attio: string;
  /** Zoho accounts + Billing origin (Billing under /billing/v1). */
  zoho: string;
  braintree: string;
}

export interface DemoSettings {
  root: string;
  workDir: string;
  /** Shortened for the demo (the defaults are days): PAYMENT_RETRY_SCHEDULE. */
  retrySchedule: string;
  adminToken: string;
  /** Every process started, as soon as it is started (main stops them on Ctrl-C, even mid-start). */
  services: ChildService[];
}

export interface DemoStack {
  urls: DemoUrls;
  services: ChildService[];
  api: ChildService;
  /** Rejects as soon as any service exits on its own. */
  fatal: Promise<never>;
  /** How long the emulators and then the API and the checkout page took to answer. */
  startMs: { sandbox: number; apiAndCheckout: number };
  stop(): Promise<void>;
  killNow(): void;
}

const IDLE_ENV_KEYS = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT'];

/**
 * Only what the services need: the user's .env, REDIS_URL or live credentials must not leak into a demo
 * that promises never to touch their data or accounts.
 */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of IDLE_ENV_KEYS) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, NO_COLOR: '1' };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${[command, ...args].join(' ')} failed (${code}):\n${out.slice(-4_000)}`)),
    );
  });
}

export interface Ports {
  api: number;
  checkout: number;
  attio: number;
  zoho: number;
  braintree: number;
}

export async function choosePorts(): Promise<Ports> {
  const [api, checkout, attio, zoho, braintree] = await freePorts(5);
  return { api, checkout, attio, zoho, braintree };
}

/**
 * `nx build` of the API and the emulators (cached when unchanged, as `npm start` does), and the checkout
 * SPA built by Vite into the demo's own directory: its bundle has the API URL baked in (VITE_API_URL), and
 * dist/apps/checkout belongs to `npm start`, built for port 3000 (nx's cache does not key on that variable).
 */
export async function build(settings: DemoSettings, apiUrl: string): Promise<void> {
  const { root, workDir } = settings;
  await Promise.all([
    run(
      join(root, 'node_modules/.bin/nx'),
      ['run-many', '-t', 'build', '-p', 'api', 'sandbox', '--output-style=static'],
      root,
      { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    ),
    run(
      process.execPath,
      [
        join(root, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'apps/checkout/vite.config.mts',
        '--outDir',
        join(workDir, 'checkout'),
        '--logLevel',
        'warn',
      ],
      root,
      { ...cleanEnv(), VITE_API_URL: apiUrl, INTEGRATION_MODE: 'sandbox' },
    ),
  ]);
}

/** The URLs apps/sandbox printed (it may not honour the requested ports; the API must use what it bound). */
export function parseSandboxBanner(text: string): Omit<DemoUrls, 'api' | 'checkout'> | undefined {
  const attio = /Attio\s+(https?:\/\/\S+)/.exec(text)?.[1];
  const zoho = /Zoho\s+(https?:\/\/\S+?)(?:\/billing\/v1)?\s/.exec(text)?.[1];
  const braintree = /Braintree\s+(https?:\/\/\S+)/.exec(text)?.[1];
  if (!attio || !zoho || !braintree) return undefined;
  return {
    attio: attio.replace(/\/$/, ''),
    zoho: zoho.replace(/\/$/, ''),
    braintree: braintree.replace(/\/$/, ''),
  };
}

export async function startStack(settings: DemoSettings, ports: Ports): Promise<DemoStack> {
  const { root, workDir } = settings;
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const checkoutUrl = `http://localhost:${ports.checkout}`;
  const requested = {
    attio: `http://127.0.0.1:${ports.attio}/v2`,
    zoho: `http://127.0.0.1:${ports.zoho}`,
    braintree: `http://127.0.0.1:${ports.braintree}`,
  };
  let fail: (err: Error) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (fail = reject));
  fatal.catch(() => undefined);
  const onUnexpectedExit = (message: string) => fail(new Error(message));
  const services = settings.services;
  const stop = async () => {
    await Promise.allSettled([...services].reverse().map((s) => s.stop()));
  };
  const killNow = () => services.forEach((s) => s.killNow());

  // The one environment both the emulators and the API read (as on a user's machine with one .env).
  const shared = (urls: Omit<DemoUrls, 'api' | 'checkout'>): Record<string, string> => ({
    ...cleanEnv(),
    INTEGRATION_MODE: 'sandbox',
    DATA_DIR: join(workDir, 'data'),
    PUBLIC_API_URL: apiUrl,
    CHECKOUT_PUBLIC_URL: checkoutUrl,
    ATTIO_API_URL: urls.attio,
    ZOHO_ACCOUNTS_URL: urls.zoho,
    ZOHO_API_URL: `${urls.zoho}/billing/v1`,
    BRAINTREE_GATEWAY_URL: urls.braintree,
    ADMIN_TOKEN: settings.adminToken,
  });

  const started = Date.now();
  try {
    const sandbox = startService({
      name: 'sandbox',
      command: process.execPath,
      args: ['--enable-source-maps', 'dist/apps/sandbox/main.js'],
      cwd: root,
      env: shared(requested),
      logFile: join(workDir, 'sandbox.log'),
      onUnexpectedExit,
    });
    services.push(sandbox);
    const emulators = await Promise.race([waitForBanner(sandbox, 20_000), fatal]);
    const sandboxMs = Date.now() - started;

    const api = startService({
      name: 'API',
      command: process.execPath,
      args: ['--enable-source-maps', 'dist/apps/api/main.js'],
      cwd: root,
      env: {
        ...shared(emulators),
        PORT: String(ports.api),
        APP_ROLE: 'all',
        LOG_LEVEL: 'info',
        PAYMENT_RETRY_SCHEDULE: settings.retrySchedule,
      },
      logFile: join(workDir, 'api.log'),
      onUnexpectedExit,
    });
    services.push(api);
    const preview = startService({
      name: 'checkout preview',
      command: process.execPath,
      args: [
        join(root, 'node_modules/vite/bin/vite.js'),
        'preview',
        '--config',
        'apps/checkout/vite.config.mts',
        '--outDir',
        join(workDir, 'checkout'),
        '--port',
        String(ports.checkout),
        '--strictPort',
      ],
      cwd: root,
      env: cleanEnv(),
      logFile: join(workDir, 'checkout.log'),
      onUnexpectedExit,
    });
    services.push(preview);
    await Promise.race([
      Promise.all([waitForHttp(`${apiUrl}/health/ready`, 30_000), waitForHttp(checkoutUrl, 30_000)]),
      fatal,
    ]);
    return {
      startMs: { sandbox: sandboxMs, apiAndCheckout: Date.now() - started - sandboxMs },
      urls: { api: apiUrl, checkout: checkoutUrl, ...emulators },
      services,
      api,
      fatal,
      stop,
      killNow,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitForBanner(
  sandbox: ChildService,
  timeoutMs: number,
): Promise<Omit<DemoUrls, 'api' | 'checkout'>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const urls = parseSandboxBanner(sandbox.output());
    if (urls) {
      await waitForHttp(`${urls.braintree}/__sandbox/clock`, 5_000);
      return urls;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the emulators printed no URLs within ${timeoutMs / 1000} s:\n${sandbox.lastLines(20).join('\n')}`,
  );
}
