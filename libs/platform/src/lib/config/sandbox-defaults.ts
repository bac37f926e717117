/**
 * Values used in sandbox mode when a variable is not set: the emulators' own credentials and ports
 * (docs/sandbox.md). They are public on purpose and are refused in live mode.
 */
export const SANDBOX_PORTS = { attio: 4010, zoho: 4020, braintree: 4030 } as const;

export const SANDBOX_DEFAULTS = {
  ATTIO_API_URL: `http://127.0.0.1:${SANDBOX_PORTS.attio}/v2`,
  ATTIO_API_TOKEN: 'sandbox-attio-token',
  ATTIO_WEBHOOK_SECRET: 'sandbox-attio-webhook-secret',
  ZOHO_ACCOUNTS_URL: `http://127.0.0.1:${SANDBOX_PORTS.zoho}`,
  ZOHO_API_URL: `http://127.0.0.1:${SANDBOX_PORTS.zoho}/billing/v1`,
  ZOHO_CLIENT_ID: 'sandbox-zoho-client',
  ZOHO_CLIENT_SECRET: 'sandbox-zoho-secret',
  ZOHO_REFRESH_TOKEN: 'sandbox-zoho-refresh',
  ZOHO_ORG_ID: '10000001',
  ZOHO_WEBHOOK_SECRET: 'sandboxzohowebhooksecret',
  BRAINTREE_ENVIRONMENT: 'emulator',
  BRAINTREE_GATEWAY_URL: `http://127.0.0.1:${SANDBOX_PORTS.braintree}`,
  BRAINTREE_MERCHANT_ID: 'sandbox_merchant',
  BRAINTREE_PUBLIC_KEY: 'sandbox_public_key',
  BRAINTREE_PRIVATE_KEY: 'sandbox_private_key',
  BRAINTREE_MERCHANT_ACCOUNTS: 'USD:sandbox_usd,EUR:sandbox_eur,GBP:sandbox_gbp',
  CHECKOUT_TOKEN_SECRET: 'sandbox-checkout-token-secret-not-for-production',
  ADMIN_TOKEN: 'sandbox-admin-token',
} as const;
