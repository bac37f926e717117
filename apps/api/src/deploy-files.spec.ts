// No Docker engine or Render account here: these checks keep the deploy files honest against the code.
import { KNOWN_ENV_VARIABLES, LIVE_REQUIRED_VARIABLES, SANDBOX_PORTS } from '@aia/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluateCheckoutHeaders } from './security/checkout-page-headers';

const root = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface RenderEnvVar {
  key: string;
  value?: string;
  sync?: boolean;
  generateValue?: boolean;
  fromService?: { type: string; name: string; property: string };
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

const render = parse(read('render.yaml')) as { services: RenderService[] };
const compose = parse(read('docker-compose.yml')) as {
  services: Record<
    string,
    { build?: { target?: string }; ports?: string[]; environment?: Record<string, string> }
  >;
};
const apiBuild = JSON.parse(read('apps/api/project.json')).targets.build.options.command as string;
const known = new Set<string>([...KNOWN_ENV_VARIABLES, 'NODE_VERSION', 'NODE_ENV']);

describe('render.yaml', () => {
  const api = render.services.find((s) => s.type === 'web' && s.runtime === 'node');
  const site = render.services.find((s) => s.runtime === 'static');
  const kv = render.services.find((s) => s.type === 'keyvalue');

  it('runs the built API with the readiness health check on Node 22', () => {
    expect(api).toBeDefined();
    expect(api?.healthCheckPath).toBe('/health/ready');
    const outfile = apiBuild.split(' ').pop() as string;
    expect(api?.startCommand).toBe(`node ${outfile}`);
    expect(api?.envVars?.find((v) => v.key === 'NODE_VERSION')?.value).toBe('22');
  });

  it('declares every live credential without committing a value, and only variables the code reads', () => {
    const vars = new Map(api?.envVars?.map((v) => [v.key, v]));
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

  it('wires REDIS_URL to a Key Value instance that never evicts queue keys', () => {
    const redis = api?.envVars?.find((v) => v.key === 'REDIS_URL');
    expect(redis?.fromService).toEqual({ type: 'keyvalue', name: kv?.name, property: 'connectionString' });
    expect(kv?.maxmemoryPolicy).toBe('noeviction');
    expect(kv?.ipAllowList).toEqual([]);
  });

  it('serves the checkout with exactly the security headers apps/checkout/security-headers.mjs defines for this deployment', () => {
    const apiEnv = new Map(api?.envVars?.map((v) => [v.key, v.value]));
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
  const stages = [...read('Dockerfile').matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);

  it('has the api, checkout, redis and sandbox services, built from existing stages', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'checkout', 'redis', 'sandbox']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build?.target)
        expect({ name, stage: stages.includes(service.build.target) }).toEqual({ name, stage: true });
    }
  });

  it('publishes the ports the code uses', () => {
    expect(compose.services['api'].ports).toContain('3000:3000');
    expect(compose.services['checkout'].ports).toContain('4200:4200');
    for (const port of Object.values(SANDBOX_PORTS))
      expect(compose.services['sandbox'].ports).toContain(`${port}:${port}`);
  });

  it('sets only variables the API reads', () => {
    for (const key of Object.keys(compose.services['api'].environment ?? {})) {
      expect({ key, known: known.has(key) }).toEqual({ key, known: true });
    }
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
