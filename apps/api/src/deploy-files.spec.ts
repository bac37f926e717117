// No Docker engine or Render account here: these checks keep the deploy files honest against the code.
import { KNOWN_ENV_VARIABLES, LIVE_REQUIRED_VARIABLES, loadAppConfig, SANDBOX_PORTS } from '@aia/platform';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { CHECKOUT_HEADERS_MODULE, evaluateCheckoutHeaders } from './security/checkout-page-headers';

const root = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface RenderEnvVar {
  key?: string;
  value?: string;
  sync?: boolean;
  generateValue?: boolean;
  fromService?: { type: string; name: string; property?: string; envVarKey?: string };
  fromGroup?: string;
}
interface RenderService {
  type: string;
  name: string;
  runtime?: string;
  buildCommand?: string;
  startCommand?: string;
  healthCheckPath?: string;
  staticPublishPath?: string;
  envVars?: RenderEnvVar[];
  maxmemoryPolicy?: string;
  ipAllowList?: unknown[];
  headers?: Array<{ path: string; name: string; value: string }>;
}

interface ComposeService {
  build?: { context?: string; target?: string; args?: Record<string, string> };
  image?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  container_name?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
}

const render = parse(read('render.yaml')) as {
  services: RenderService[];
  envVarGroups?: Array<{ name: string; envVars: RenderEnvVar[] }>;
};
// Compose merges `<<: *anchor` (YAML 1.1 merge keys), which the yaml package does only when asked.
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const apiBuild = JSON.parse(read('apps/api/project.json')).targets.build.options.command as string;
const known = new Set<string>([...KNOWN_ENV_VARIABLES, 'NODE_VERSION', 'NODE_ENV']);

/**
 * Variables render.yaml leaves out on purpose, and why (its header comment says the same). A variable the
 * code starts reading fails the "every variable" test until it is declared or listed here.
 */
const NOT_ON_RENDER: Record<string, string> = {
  PORT: 'Render sets it',
  DATA_DIR: 'nothing is kept on local disk once REDIS_URL is set',
  ATTIO_API_URL: 'live mode uses the platform URL',
  ZOHO_ACCOUNTS_URL: 'live mode derives it from ZOHO_DC',
  ZOHO_API_URL: 'live mode derives it from ZOHO_DC',
  BRAINTREE_GATEWAY_URL: 'emulator only',
  BRAINTREE_WEBHOOK_ADDITIONAL_KEYS: 'added on both services only while rotating Braintree keys',
};

/** A service's variables with `fromGroup` entries replaced by the group's variables (Render's merge). */
function renderEnv(service: RenderService | undefined): Map<string, RenderEnvVar> {
  const out = new Map<string, RenderEnvVar>();
  for (const v of service?.envVars ?? []) {
    if (v.fromGroup) {
      const group = render.envVarGroups?.find((g) => g.name === v.fromGroup);
      if (!group) throw new Error(`render.yaml: no envVarGroup ${v.fromGroup}`);
      for (const g of group.envVars) out.set(g.key as string, g);
    } else {
      out.set(v.key as string, v);
    }
  }
  return out;
}

/**
 * What a service's process would see once Render has filled in what it asks for: a plausible live value for
 * each `sync: false` variable, a generated one for `generateValue`, the referenced value for `fromService`.
 */
function renderProcessEnv(service: RenderService | undefined): Record<string, string> {
  const entered = (key: string): string => {
    if (key.endsWith('_URL')) return `https://${key.toLowerCase().replace(/_/g, '-')}.example.com`;
    if (key === 'ZOHO_ORG_ID') return '700123456';
    if (key === 'ZOHO_WEBHOOK_SECRET') return 'Live0Zoho0Webhook0Secret';
    if (key === 'BRAINTREE_MERCHANT_ACCOUNTS') return 'USD:acme_usd';
    return `live-${key.toLowerCase()}-value`;
  };
  const env: Record<string, string> = {};
  for (const [key, v] of renderEnv(service)) {
    if (v.value !== undefined) env[key] = v.value;
    else if (v.generateValue) env[key] = Buffer.alloc(32, 7).toString('base64');
    else if (v.fromService?.property === 'connectionString') env[key] = 'redis://red-abc123:6379';
    else env[key] = entered(v.fromService?.envVarKey ?? key);
  }
  return env;
}

describe('render.yaml', () => {
  const api = render.services.find((s) => s.type === 'web' && s.runtime === 'node');
  const worker = render.services.find((s) => s.type === 'worker');
  const site = render.services.find((s) => s.runtime === 'static');
  const kv = render.services.find((s) => s.type === 'keyvalue');

  it('runs the built API with the readiness health check on Node 22, as the web role', () => {
    expect(api).toBeDefined();
    expect(api?.healthCheckPath).toBe('/health/ready');
    const outfile = apiBuild.split(' ').pop() as string;
    expect(api?.startCommand).toBe(`node ${outfile}`);
    expect(renderEnv(api).get('NODE_VERSION')?.value).toBe('22');
    expect(renderEnv(api).get('APP_ROLE')?.value).toBe('web');
  });

  it('declares every live credential without committing a value, and only variables the code reads', () => {
    const vars = renderEnv(api);
    for (const name of LIVE_REQUIRED_VARIABLES) {
      const v = vars.get(name);
      expect({
        name,
        declared: Boolean(v),
        secretSafe: Boolean(v && (v.sync === false || v.generateValue)),
      }).toEqual({
        name,
        declared: true,
        secretSafe: true,
      });
    }
    for (const key of vars.keys()) expect({ key, known: known.has(key) }).toEqual({ key, known: true });
    expect(vars.get('INTEGRATION_MODE')?.value).toBe('live');
  });

  it('declares every variable the code reads, except the few it leaves out on purpose', () => {
    const vars = renderEnv(api);
    for (const name of KNOWN_ENV_VARIABLES) {
      const state = vars.has(name) ? 'declared' : name in NOT_ON_RENDER ? 'left out on purpose' : 'missing';
      expect({ name, ok: state !== 'missing' }).toEqual({ name, ok: true });
      // The list stays honest: nothing in it is declared after all.
      if (name in NOT_ON_RENDER)
        expect({ name, declared: vars.has(name) }).toEqual({ name, declared: false });
    }
    for (const name of Object.keys(NOT_ON_RENDER))
      expect({ name, read: (KNOWN_ENV_VARIABLES as string[]).includes(name) }).toEqual({ name, read: true });
  });

  it('gives a configuration the API accepts once Render has filled in the secrets (web and worker)', () => {
    const web = loadAppConfig(renderProcessEnv(api));
    expect([web.mode, web.role, web.redisDurability]).toEqual(['live', 'web', 'waitaof']);
    expect(web.braintree.environment).toBe('production');
    const jobs = loadAppConfig(renderProcessEnv(worker));
    expect(jobs.role).toBe('worker');
  });

  it('wires REDIS_URL to a Key Value instance that never evicts queue keys', () => {
    for (const service of [api, worker]) {
      const redis = renderEnv(service).get('REDIS_URL');
      expect(redis?.fromService).toEqual({ type: 'keyvalue', name: kv?.name, property: 'connectionString' });
    }
    expect(kv?.maxmemoryPolicy).toBe('noeviction');
    expect(kv?.ipAllowList).toEqual([]);
  });

  it("runs a background worker with the same build and exactly the web service's variables, APP_ROLE=worker", () => {
    expect(worker).toBeDefined();
    expect(worker?.runtime).toBe('node');
    expect(worker?.buildCommand).toBe(api?.buildCommand);
    expect(worker?.startCommand).toBe(api?.startCommand);
    expect(worker?.healthCheckPath).toBeUndefined(); // background workers have no HTTP health check on Render
    const web = renderEnv(api);
    const jobs = renderEnv(worker);
    expect([...jobs.keys()].sort()).toEqual([...web.keys()].sort());
    expect(jobs.get('APP_ROLE')?.value).toBe('worker');
    for (const [key, v] of web) {
      if (key === 'APP_ROLE') continue;
      // What is entered once on the web service is copied, never entered (and possibly mistyped) twice.
      const expected =
        v.sync === false ? { fromService: { type: 'web', name: api?.name, envVarKey: key } } : v;
      const got = jobs.get(key);
      expect({ key, v: v.sync === false ? { fromService: got?.fromService } : got }).toEqual({
        key,
        v: expected,
      });
    }
  });

  it('shares settings and generated secrets through one environment group both services attach', () => {
    const groups = (s: RenderService | undefined) => (s?.envVars ?? []).flatMap((v) => v.fromGroup ?? []);
    expect(groups(api)).toHaveLength(1);
    expect(groups(worker)).toEqual(groups(api));
    const group = render.envVarGroups?.find((g) => g.name === groups(api)[0]);
    // One generated value for both: the worker's card-update links must verify on the web service.
    const generated = group?.envVars.filter((v) => v.generateValue).map((v) => v.key);
    expect(generated).toEqual(expect.arrayContaining(['CHECKOUT_TOKEN_SECRET', 'ADMIN_TOKEN']));
    // Render refuses `sync: false` and service references inside a group.
    for (const v of group?.envVars ?? [])
      expect({ key: v.key, ok: v.sync === undefined && !v.fromService }).toEqual({ key: v.key, ok: true });
  });

  it('serves the checkout with exactly the security headers apps/checkout/security-headers.mjs defines for this deployment', () => {
    const apiEnv = new Map([...renderEnv(api)].map(([k, v]) => [k, v.value]));
    const siteEnv = new Map(site?.envVars?.map((v) => [v.key, v.value]));
    const options = {
      braintreeEnvironment: apiEnv.get('BRAINTREE_ENVIRONMENT') === 'production' ? 'production' : 'sandbox',
      threeDSecure:
        apiEnv.get('CHECKOUT_3DS') === 'required' || siteEnv.get('VITE_THREE_D_SECURE') === 'always',
    };
    const [apiUrl, headers] = evaluateCheckoutHeaders<[string, Record<string, string>]>(
      `[m.RENDER_API_URL, m.checkoutSecurityHeaders({ apiUrl: m.RENDER_API_URL, ...${JSON.stringify(options)} })]`,
    );
    // The API's address on Render is its service name's onrender.com host (no custom domain in this file).
    expect(apiUrl).toBe(`https://${api?.name}.onrender.com`);
    // The bundle calls the API the policy allows.
    expect(siteEnv.get('VITE_API_URL')).toBe(apiUrl);
    expect(site?.headers).toEqual(
      Object.entries(headers).map(([name, value]) => ({ path: '/*', name, value })),
    );
  });

  it('publishes the checkout build output as a static site', () => {
    const viteConfig = read('apps/checkout/vite.config.mts');
    expect(viteConfig).toContain("outDir: '../../dist/apps/checkout'");
    expect(site?.staticPublishPath).toBe('dist/apps/checkout');
  });
});

describe('docker-compose.yml and Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
  const services = compose.services;
  const port = (service: string) => Number(services[service].environment?.['PORT']);

  it('has the api, worker, checkout, sandbox and redis services, built from existing stages', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'checkout', 'redis', 'sandbox', 'worker']);
    for (const [name, service] of Object.entries(services)) {
      if (service.build?.target)
        expect({ name, stage: stages.includes(service.build.target) }).toEqual({ name, stage: true });
    }
  });

  it('gives every service a health check, and starts each only once what it depends on is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, test: service.healthcheck?.test?.[0] }).toEqual({ name, test: 'CMD' });
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
        expect(services[dependency]?.healthcheck).toBeDefined();
      }
    }
    expect(Object.keys(services['api'].depends_on ?? {}).sort()).toEqual(['redis', 'sandbox']);
    expect(Object.keys(services['worker'].depends_on ?? {}).sort()).toEqual(['redis', 'sandbox']);
    expect(Object.keys(services['checkout'].depends_on ?? {})).toEqual(['api']);
    // The API processes are checked on their readiness endpoint, the emulators on their control API.
    expect(services['api'].healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port('api')}/health/ready`);
    expect(services['worker'].healthcheck?.test.join(' ')).toContain(
      `127.0.0.1:${port('worker')}/health/ready`,
    );
    expect(services['redis'].healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('runs the API as web and worker processes sharing one configuration; workers scale', () => {
    const { APP_ROLE: webRole, ...web } = services['api'].environment ?? {};
    const { APP_ROLE: workerRole, ...jobs } = services['worker'].environment ?? {};
    expect([webRole, workerRole]).toEqual(['web', 'worker']);
    expect(jobs).toEqual(web);
    expect(services['worker'].build?.target).toBe(services['api'].build?.target);
    // `docker compose up --scale worker=2` needs no fixed host port and no fixed container name.
    expect(services['worker'].ports).toBeUndefined();
    expect(services['worker'].container_name).toBeUndefined();
    const config = loadAppConfig(services['api'].environment);
    expect([config.mode, config.role, config.redisUrl, config.redisDurability]).toEqual([
      'sandbox',
      'web',
      'redis://redis:6379',
      'waitaof',
    ]);
    expect(loadAppConfig(services['worker'].environment).role).toBe('worker');
  });

  it('keeps Redis durable: append-only file fsynced every second, on a volume, no eviction', () => {
    const redis = services['redis'];
    expect(redis.image).toMatch(/^redis:7/);
    const args = (redis.command ?? []).join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--appendfsync everysec');
    expect(args).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
  });

  it("points the sandbox at the API by service name, with the API's own configuration", () => {
    const sandbox = services['sandbox'].environment ?? {};
    const { APP_ROLE: _role, ...shared } = services['api'].environment ?? {};
    for (const [key, value] of Object.entries(shared))
      expect({ key, value: sandbox[key] }).toEqual({ key, value });
    expect(sandbox['SANDBOX_HOST']).toBe('0.0.0.0');
    // One webhook target for both sides: the API provisions Attio's webhook at PUBLIC_API_URL and the sandbox
    // delivers there, so PUBLIC_API_URL is the API's service name (no SANDBOX_API_URL override to diverge).
    expect(shared['PUBLIC_API_URL']).toBe(`http://api:${port('api')}`);
    expect(sandbox['SANDBOX_API_URL']).toBeUndefined();
    // The emulator URLs the API uses are served by the sandbox service on those ports.
    for (const key of ['ATTIO_API_URL', 'ZOHO_API_URL', 'ZOHO_ACCOUNTS_URL', 'BRAINTREE_GATEWAY_URL']) {
      const url = new URL(shared[key]);
      expect({ key, host: url.hostname }).toEqual({ key, host: 'sandbox' });
      expect(services['sandbox'].ports).toContain(`${url.port}:${url.port}`);
    }
  });

  it('publishes the ports the code uses', () => {
    expect(services['api'].ports).toContain('3000:3000');
    expect(services['checkout'].ports).toContain('4200:4200');
    for (const p of Object.values(SANDBOX_PORTS)) expect(services['sandbox'].ports).toContain(`${p}:${p}`);
    expect(services['api'].environment?.['CHECKOUT_PUBLIC_URL']).toBe('http://localhost:4200');
    // The browser reaches the API on the published port (the platforms use PUBLIC_API_URL, by service name).
    expect(services['checkout'].build?.args?.['VITE_API_URL']).toBe('http://localhost:3000');
  });

  it('sets only variables the code reads', () => {
    const sandboxOnly = new Set(['SANDBOX_HOST', 'SANDBOX_API_URL']);
    for (const name of ['api', 'worker', 'sandbox']) {
      for (const key of Object.keys(services[name].environment ?? {})) {
        const ok = known.has(key) || (name === 'sandbox' && sandboxOnly.has(key));
        expect({ name, key, known: ok }).toEqual({ name, key, known: true });
      }
    }
  });

  it('serves the checkout behind nginx with the security headers its build computed', () => {
    expect(dockerfile).toMatch(
      /node tools\/checkout-nginx-conf\.mjs dist\/apps\/checkout\/security-headers\.json/,
    );
    expect(dockerfile).toMatch(
      /COPY --from=build \/app\/dist\/checkout-nginx\.conf \/etc\/nginx\/conf\.d\/default\.conf/,
    );
    // What the checkout stage's build writes for compose's build args, turned into the nginx server block.
    const script = [
      `import * as h from ${JSON.stringify(pathToFileURL(CHECKOUT_HEADERS_MODULE).href)};`,
      `import { checkoutNginxConf } from ${JSON.stringify(pathToFileURL(join(root, 'tools/checkout-nginx-conf.mjs')).href)};`,
      `const headers = h.checkoutSecurityHeaders(h.checkoutHeaderOptionsFromEnv(${JSON.stringify(services['checkout'].build?.args ?? {})}));`,
      'process.stdout.write(JSON.stringify({ headers, conf: checkoutNginxConf(headers) }));',
    ].join('\n');
    const { headers, conf } = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    ) as { headers: Record<string, string>; conf: string };
    for (const [name, value] of Object.entries(headers))
      expect(conf).toContain(`  add_header ${name} "${value}" always;`);
    expect(conf).toContain('listen 4200;');
    expect(conf).toMatch(/location \/ \{\s+try_files \$uri \/index\.html;\s+\}/);
    // The page calls the API and, in sandbox mode, tokenizes at the Braintree emulator: both allowed.
    expect(headers['Content-Security-Policy']).toContain("connect-src 'self' http://localhost:3000");
    expect(headers['Content-Security-Policy']).toContain('http://sandbox:4030');
  });

  it('keeps node_modules, build output, local state and .env out of the Docker build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git'])
      expect({ entry, ignored: ignored.includes(entry) }).toEqual({ entry, ignored: true });
  });
});

describe('.env.example and README', () => {
  it('document every variable the code reads', () => {
    const example = read('.env.example');
    const readme = read('README.md');
    for (const name of KNOWN_ENV_VARIABLES) {
      expect({ name, inExample: new RegExp(`^${name}=`, 'm').test(example) }).toEqual({
        name,
        inExample: true,
      });
      expect({ name, inReadme: readme.includes(`\`${name}\``) }).toEqual({ name, inReadme: true });
    }
  });
});
