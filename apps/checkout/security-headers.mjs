/**
 * The checkout page's response headers, defined once. Used by `vite preview` and `vite` (vite.config.mts)
 * and, as literal values, by Render's static site (render.yaml `headers:`); apps/api/src/deploy-files.spec.ts
 * checks that render.yaml holds exactly what checkoutSecurityHeaders() returns for the deployed settings.
 *
 * Content-Security-Policy for braintree-web: "Using braintree-web with a Content Security Policy (CSP)" in
 * the braintree-web reference (https://braintree.github.io/braintree-web/current/, source jsdoc/Home.md of
 * github.com/braintree/braintree-web), tables "Basic Directives" and "3D Secure Specific Directives", and
 * the braintree-web CHANGELOG, 3.134.0: "Add cardinaltrusted.com to required Content-Security-Policy
 * directives, when using 3D Secure". Checked against the braintree-web 3.144.0 sources in node_modules:
 * - the SDK is bundled from npm (client, hosted-fields, three-d-secure), so no script from
 *   js.braintreegateway.com is needed (only components created with `authorization` instead of `client`
 *   load client.min.js from there; the adapter always passes its client);
 * - Hosted Fields and the 3-D Secure bank frame are iframes from assets.braintreegateway.com
 *   (lib/constants.js ASSETS_URLS, hosted-fields/external/hosted-fields.js);
 * - the client calls api[.sandbox].braintreegateway.com (CLIENT_API_URLS) and
 *   payments[.sandbox].braintree-api.com/graphql (GRAPHQL_URLS), and posts analytics to
 *   https://www.paypal.com/xoplatform/logger/api/logger (ANALYTICS_URL; allowed by exact path only);
 * - 3-D Secure loads Cardinal's Songbird script from the gateway configuration's cardinalSongbirdUrl
 *   (three-d-secure/external/frameworks/songbird.js) and shows the issuer's challenge (ACS) in a frame.
 *   Braintree: "there is not a strict CSP configuration available for 3D Secure 2 … merchants can consider
 *   setting frame-src *". With 3-D Secure on, frame-src and form-action therefore allow any https: origin
 *   (never `*`), and style-src allows inline styles (the Cardinal modal and braintree-web's own 3-D Secure
 *   modals style their markup inline). With 3-D Secure off (CHECKOUT_3DS=off, the default) neither is there.
 */

/** Where Render serves the API: `https://<service name>.onrender.com` (render.yaml). A custom domain changes it. */
export const RENDER_API_URL = 'https://attio-integration-api.onrender.com';

const BRAINTREE_ASSETS = 'https://assets.braintreegateway.com';
const BRAINTREE_GRAPHQL = 'https://*.braintree-api.com';
const BRAINTREE_ANALYTICS = 'https://www.paypal.com/xoplatform/logger/api/logger';
const CARDINAL_TRUSTED = 'https://*.cardinaltrusted.com';
const CARDINAL = ['https://*.cardinalcommerce.com', CARDINAL_TRUSTED];

const BRAINTREE_HOSTS = {
  production: {
    api: 'https://api.braintreegateway.com',
    clientAnalytics: 'https://client-analytics.braintreegateway.com',
    songbird: 'https://songbird.cardinalcommerce.com',
  },
  sandbox: {
    api: 'https://api.sandbox.braintreegateway.com',
    clientAnalytics: 'https://client-analytics.sandbox.braintreegateway.com',
    songbird: 'https://songbirdstag.cardinalcommerce.com',
  },
};

/** Local sandbox builds: the emulators listen on loopback, on ports the tests choose. */
export const LOOPBACK_ANY_PORT = ['http://127.0.0.1:*', 'http://localhost:*'];

/**
 * @typedef {object} CheckoutHeaderOptions
 * @property {string} apiUrl The API the page calls (VITE_API_URL).
 * @property {'production' | 'sandbox'} [braintreeEnvironment] Braintree's hosts (default production).
 * @property {boolean} [threeDSecure] 3-D Secure may run (CHECKOUT_3DS=required or VITE_THREE_D_SECURE=always).
 * @property {string[]} [sandboxOrigins] Where the sandbox card fields tokenize (the Braintree emulator).
 */

/**
 * The Content-Security-Policy value, directives in a fixed order.
 * @param {CheckoutHeaderOptions} options
 * @returns {string}
 */
export function checkoutContentSecurityPolicy(options) {
  const { apiUrl, braintreeEnvironment = 'production', threeDSecure = false, sandboxOrigins = [] } = options;
  const hosts = BRAINTREE_HOSTS[braintreeEnvironment];
  if (!hosts) throw new Error(`unknown Braintree environment ${braintreeEnvironment}`);
  const api = new URL(apiUrl).origin;
  const frames = threeDSecure ? [BRAINTREE_ASSETS, 'https:'] : [BRAINTREE_ASSETS];
  /** @type {Array<[string, string[]]>} */
  const directives = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...(threeDSecure ? [hosts.songbird, CARDINAL_TRUSTED] : [])]],
    ['style-src', ["'self'", ...(threeDSecure ? ["'unsafe-inline'"] : [])]],
    ['img-src', ["'self'", 'data:', BRAINTREE_ASSETS]],
    ['font-src', ["'self'"]],
    [
      'connect-src',
      [
        "'self'",
        api,
        hosts.api,
        hosts.clientAnalytics,
        BRAINTREE_GRAPHQL,
        BRAINTREE_ANALYTICS,
        ...(threeDSecure ? CARDINAL : []),
        ...sandboxOrigins,
      ],
    ],
    ['frame-src', frames],
    ['child-src', frames],
    ['form-action', threeDSecure ? ['https:'] : ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['object-src', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${[...new Set(sources)].join(' ')}`).join('; ');
}

/**
 * Every security header of the checkout page, in a fixed order (render.yaml lists them in this order).
 * @param {CheckoutHeaderOptions} options
 * @returns {Record<string, string>}
 */
export function checkoutSecurityHeaders(options) {
  return {
    'Content-Security-Policy': checkoutContentSecurityPolicy(options),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // The checkout token is in the page's URL: no Referer may carry it to Braintree, Cardinal or a bank.
    'Referrer-Policy': 'no-referrer',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
}

/**
 * The options for a local build or dev server, from the environment (the API's own variable names, so one
 * .env configures both): VITE_API_URL, INTEGRATION_MODE, BRAINTREE_ENVIRONMENT (default: production for a
 * public API, sandbox for a loopback one), CHECKOUT_3DS, VITE_THREE_D_SECURE, and CHECKOUT_SANDBOX_ORIGINS
 * (comma-separated) for a sandbox whose emulator is not on loopback. A sandbox build against a loopback API
 * allows any loopback port for the emulator (the tests start emulators on free ports).
 * @param {Record<string, string | undefined>} env
 * @returns {CheckoutHeaderOptions}
 */
export function checkoutHeaderOptionsFromEnv(env) {
  const apiUrl = env.VITE_API_URL || 'http://localhost:3000';
  const live = env.INTEGRATION_MODE === 'live';
  if (!URL.canParse(apiUrl)) throw new Error(`VITE_API_URL must be an absolute URL, got ${apiUrl}`);
  const { hostname } = new URL(apiUrl);
  const loopback = hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  const listed = (env.CHECKOUT_SANDBOX_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    apiUrl,
    braintreeEnvironment:
      env.BRAINTREE_ENVIRONMENT === 'production' || (!env.BRAINTREE_ENVIRONMENT && !loopback)
        ? 'production'
        : 'sandbox',
    threeDSecure: env.CHECKOUT_3DS === 'required' || env.VITE_THREE_D_SECURE === 'always',
    sandboxOrigins: live ? [] : listed.length ? listed : loopback ? LOOPBACK_ANY_PORT : [],
  };
}
