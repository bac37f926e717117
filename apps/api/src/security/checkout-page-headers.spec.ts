/*
 * The checkout page's security headers (apps/checkout/security-headers.mjs): the Content-Security-Policy lets
 * braintree-web's Hosted Fields (and, when enabled, 3-D Secure) work and allows nothing broader; the built
 * page served by `vite preview` carries exactly those headers on every path; the build has no inline script
 * or style the policy would block. render.yaml's copy is checked in deploy-files.spec.ts.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../testing/api-stack';
import { checkoutSecurityHeaders, evaluateCheckoutHeaders, parseCsp, ROOT } from './checkout-page-headers';
import type { CheckoutHeaderOptions } from './checkout-page-headers';

jest.setTimeout(120_000);

const API = 'https://api.example.com';
const BRAINTREE_ASSETS = 'https://assets.braintreegateway.com';
/** Wildcards allowed at all: subdomains of Braintree's and Cardinal's own registrable domains. */
const OWN_WILDCARD = /^https:\/\/\*\.(braintree-api\.com|cardinalcommerce\.com|cardinaltrusted\.com)$/;
const KEYWORDS = new Set(["'self'", "'none'", "'unsafe-inline'"]);

function policyOf(options: CheckoutHeaderOptions): Map<string, string[]> {
  return parseCsp(checkoutSecurityHeaders(options)[0]['Content-Security-Policy']);
}

describe('the checkout page CSP (unit)', () => {
  const live = policyOf({ apiUrl: `${API}/`, braintreeEnvironment: 'production' });
  const threeDs = policyOf({ apiUrl: API, braintreeEnvironment: 'production', threeDSecure: true });

  it('lets Hosted Fields load in live mode: its frames, its API, its GraphQL and analytics endpoints, our API', () => {
    expect(live.get('frame-src')).toEqual([BRAINTREE_ASSETS]);
    expect(live.get('child-src')).toEqual([BRAINTREE_ASSETS]);
    expect(live.get('connect-src')).toEqual([
      "'self'",
      API,
      'https://api.braintreegateway.com',
      'https://client-analytics.braintreegateway.com',
      'https://*.braintree-api.com',
      'https://www.paypal.com/xoplatform/logger/api/logger',
    ]);
    expect(live.get('img-src')).toEqual(["'self'", 'data:', BRAINTREE_ASSETS]);
    // braintree-web is bundled: no script host at all, only our own files.
    expect(live.get('script-src')).toEqual(["'self'"]);
    expect(live.get('style-src')).toEqual(["'self'"]);
  });

  it('allows nothing broader than needed: no *, no unsafe-eval or unsafe-inline, no bare scheme but data: images, https only', () => {
    for (const [directive, sources] of live) {
      for (const source of sources) {
        const ok =
          KEYWORDS.has(source) && source !== "'unsafe-inline'"
            ? true
            : source === 'data:'
              ? directive === 'img-src'
              : source.startsWith('https://') && (!source.includes('*') || OWN_WILDCARD.test(source));
        expect({ directive, source, ok }).toEqual({ directive, source, ok: true });
      }
    }
    const text = [...live.values()].flat();
    expect(text).not.toContain('*');
    expect(text).not.toContain("'unsafe-eval'");
  });

  it('locks down everything else: no framing of the page, no plugins, no <base>, no form posts', () => {
    expect(live.get('default-src')).toEqual(["'self'"]);
    expect(live.get('frame-ancestors')).toEqual(["'none'"]);
    expect(live.get('object-src')).toEqual(["'none'"]);
    expect(live.get('base-uri')).toEqual(["'none'"]);
    expect(live.get('form-action')).toEqual(["'none'"]);
  });

  it("with 3-D Secure: Cardinal's Songbird script and frames, and (Braintree's documented exception) any https: ACS frame", () => {
    expect(threeDs.get('script-src')).toEqual([
      "'self'",
      'https://songbird.cardinalcommerce.com',
      'https://*.cardinaltrusted.com',
    ]);
    expect(threeDs.get('connect-src')).toEqual(
      expect.arrayContaining(['https://*.cardinalcommerce.com', 'https://*.cardinaltrusted.com']),
    );
    expect(threeDs.get('frame-src')).toEqual([BRAINTREE_ASSETS, 'https:']);
    expect(threeDs.get('form-action')).toEqual(['https:']);
    expect(threeDs.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    const all = [...threeDs.values()].flat();
    expect(all).not.toContain('*');
    expect(all).not.toContain("'unsafe-eval'");
    expect(threeDs.get('script-src')).not.toContain("'unsafe-inline'");
    expect(threeDs.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it("uses Braintree's sandbox hosts for the sandbox environment, and the emulator's origins only in sandbox builds", () => {
    const sandbox = policyOf({ apiUrl: API, braintreeEnvironment: 'sandbox', threeDSecure: true });
    expect(sandbox.get('connect-src')).toEqual(
      expect.arrayContaining([
        'https://api.sandbox.braintreegateway.com',
        'https://client-analytics.sandbox.braintreegateway.com',
      ]),
    );
    expect(sandbox.get('script-src')).toContain('https://songbirdstag.cardinalcommerce.com');
    const options = evaluateCheckoutHeaders<CheckoutHeaderOptions[]>(
      JSON.stringify([
        { VITE_API_URL: 'http://127.0.0.1:3000' },
        { VITE_API_URL: 'https://api.example.com' },
        { VITE_API_URL: 'http://localhost:3000', INTEGRATION_MODE: 'live', BRAINTREE_ENVIRONMENT: 'sandbox' },
        {
          VITE_API_URL: 'https://demo.example.com',
          CHECKOUT_SANDBOX_ORIGINS: 'https://emulator.example.com',
        },
        { VITE_API_URL: 'https://api.example.com', CHECKOUT_3DS: 'required' },
        { VITE_API_URL: 'https://api.example.com', VITE_THREE_D_SECURE: 'always' },
      ]) + '.map((env) => m.checkoutHeaderOptionsFromEnv(env))',
    );
    expect(options).toEqual([
      {
        apiUrl: 'http://127.0.0.1:3000',
        braintreeEnvironment: 'sandbox',
        threeDSecure: false,
        sandboxOrigins: ['http://127.0.0.1:*', 'http://localhost:*'],
      },
      { apiUrl: API, braintreeEnvironment: 'production', threeDSecure: false, sandboxOrigins: [] },
      {
        apiUrl: 'http://localhost:3000',
        braintreeEnvironment: 'sandbox',
        threeDSecure: false,
        sandboxOrigins: [],
      },
      {
        apiUrl: 'https://demo.example.com',
        braintreeEnvironment: 'production',
        threeDSecure: false,
        sandboxOrigins: ['https://emulator.example.com'],
      },
      { apiUrl: API, braintreeEnvironment: 'production', threeDSecure: true, sandboxOrigins: [] },
      { apiUrl: API, braintreeEnvironment: 'production', threeDSecure: true, sandboxOrigins: [] },
    ]);
  });

  it('sends the other headers: no framing, no sniffing, no Referer (the token is in the URL), HSTS, no powerful features', () => {
    const [headers] = checkoutSecurityHeaders({ apiUrl: API });
    expect(Object.keys(headers)).toEqual([
      'Content-Security-Policy',
      'X-Frame-Options',
      'X-Content-Type-Options',
      'Referrer-Policy',
      'Strict-Transport-Security',
      'Permissions-Policy',
    ]);
    expect(headers).toMatchObject({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    });
    expect(headers['Permissions-Policy']).toMatch(/payment=\(\)/);
  });
});

describe('the built checkout served by vite preview', () => {
  const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');
  const apiUrl = 'https://api.example.test';
  let dir: string;
  let outDir: string;
  let preview: ChildProcess | undefined;
  let url: string;
  let output = '';
  // The build's environment, without whatever the developer's shell holds for these variables.
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) =>
          !/^(VITE_|INTEGRATION_MODE$|BRAINTREE_ENVIRONMENT$|CHECKOUT_3DS$|CHECKOUT_SANDBOX_ORIGINS$)/.test(
            k,
          ),
      ),
    ),
    VITE_API_URL: apiUrl,
  };

  beforeAll(async () => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'tmp', 'security-checkout-'));
    outDir = join(dir, 'checkout');
    await promisify(execFile)(
      process.execPath,
      [VITE, 'build', '--config', 'apps/checkout/vite.config.mts', '--outDir', outDir, '--logLevel', 'warn'],
      { cwd: ROOT, env },
    );
    const port = await freePort();
    url = `http://localhost:${port}`;
    // No VITE_API_URL here on purpose: preview serves the headers the build wrote for its own API URL.
    const { VITE_API_URL: _unused, ...previewEnv } = env;
    void _unused;
    preview = spawn(
      process.execPath,
      [
        VITE,
        'preview',
        '--config',
        'apps/checkout/vite.config.mts',
        '--outDir',
        outDir,
        '--port',
        String(port),
        '--strictPort',
      ],
      { cwd: ROOT, env: previewEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    preview.stdout?.on('data', (d) => (output += d));
    preview.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(url)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`vite preview did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (preview && preview.exitCode === null) {
      const exited = new Promise((r) => preview?.once('exit', r));
      preview.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
    }
    preview?.stdout?.destroy();
    preview?.stderr?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const expected = () =>
    checkoutSecurityHeaders({
      apiUrl,
      braintreeEnvironment: 'production',
      threeDSecure: false,
      sandboxOrigins: [],
    })[0];

  it.each(['/', '/c/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', '/index.html'])(
    'serves %s with every header of security-headers.mjs for the API it was built for',
    async (path) => {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const headers = expected();
      for (const [name, value] of Object.entries(headers)) {
        expect({ name, value: res.headers.get(name) }).toEqual({ name, value });
      }
      expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ${apiUrl} `);
    },
  );

  it('serves the scripts and styles with them too, and wrote them next to index.html', async () => {
    const assets = readdirSync(join(outDir, 'assets'));
    const js = assets.find((f) => f.endsWith('.js'));
    const res = await fetch(`${url}/assets/${js}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(expected()['Content-Security-Policy']);
    expect(JSON.parse(readFileSync(join(outDir, 'security-headers.json'), 'utf8'))).toEqual(expected());
  });

  it('has nothing inline that the policy would block: no inline script, style element or style attribute, no eval', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    for (const file of readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(outDir, 'assets', file), 'utf8');
      expect({ file, evals: /\beval\(|new Function\(/.test(code) }).toEqual({ file, evals: false });
    }
  });
});
