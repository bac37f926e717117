import { ZohoDataCenter } from './zoho-data-centers';

export type IntegrationMode = 'sandbox' | 'live';
export type BraintreeEnvironmentName = 'sandbox' | 'production' | 'emulator';

/**
 * What one process does (APP_ROLE, or `--role` on the built entry): `web` serves webhooks, the checkout API,
 * the admin API, health, metrics and docs and processes no jobs; `worker` processes jobs and serves only
 * /health/live, /health/ready and /metrics; `all` (default) does both, as one machine and the embedded
 * SQLite store need. web and worker share the queue through REDIS_URL.
 */
export const APP_ROLES = ['web', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** REDIS_DURABILITY: `aof` acknowledges a webhook once Redis has it; `waitaof` once its AOF is fsynced. */
export type RedisDurabilityMode = 'aof' | 'waitaof';

/** Serves the webhook, checkout and admin routes (web, all). */
export const servesHttpApi = (role: AppRole): boolean => role !== 'worker';
/** Processes jobs and runs the background loops that belong to workers (worker, all). */
export const runsJobs = (role: AppRole): boolean => role !== 'web';

/** The validated, typed configuration every module receives (see app-config.schema.ts). */
export interface AppConfig {
  mode: IntegrationMode;
  nodeEnv: string;
  logLevel: string;
  port: number;
  /**
   * Reverse proxies in front of the API that append the client's address to X-Forwarded-For
   * (TRUST_PROXY_HOPS): 0 ignores the header (req.ip is the socket's address); 1 on Render. The per-IP
   * checkout limits key on req.ip, so trusting more hops than exist lets a client pick its own key.
   */
  trustProxyHops: number;
  publicApiUrl: string;
  checkoutPublicUrl: string;
  dataDir: string;
  adminToken: string;
  alertWebhookUrl?: string;
  /** Which part of the service this process runs (APP_ROLE); web and worker need redisUrl. */
  role: AppRole;
  redisUrl?: string;
  /** Redis backend: what a webhook's 200 waits for (REDIS_DURABILITY; docs/events.md, Durability). */
  redisDurability: RedisDurabilityMode;
  attio: {
    apiUrl: string;
    apiToken: string;
    /** Several secrets are accepted at once during rotation (comma-separated variable). */
    webhookSecrets: string[];
    object: string;
  };
  zoho: {
    dc: ZohoDataCenter;
    accountsUrl: string;
    apiUrl: string;
    clientId: string;
    clientSecret: string;
    refreshToken: string;
    orgId: string;
    webhookSecrets: string[];
    /** Client-side limit; Zoho Billing's own figure is UNCONFIRMED (PLATFORMS.md §2). */
    requestsPerMinute: number;
  };
  braintree: {
    environment: BraintreeEnvironmentName;
    gatewayUrl?: string;
    merchantId: string;
    publicKey: string;
    privateKey: string;
    /** Currency code → merchant account id. */
    merchantAccounts: Record<string, string>;
    /**
     * Earlier API key pairs whose webhook signatures are still accepted while keys rotate
     * (BRAINTREE_WEBHOOK_ADDITIONAL_KEYS). Optional only so hand-built test configs may leave it out.
     */
    additionalWebhookKeys?: Array<{ publicKey: string; privateKey: string }>;
  };
  /** Currency of the Zoho organization's plans (prices shown on the checkout page). */
  zohoCurrencyCode: string;
  payments: {
    /** When a declined (soft) charge is tried again, measured from the first failure. Empty: never. */
    retryScheduleMs: number[];
    /** After the last retry (or a hard decline): mark the record unpaid, or also cancel the Zoho subscription. */
    finalAction: 'mark_unpaid' | 'cancel_subscription';
    /** How often card settlement outcomes are polled (Braintree pushes none for cards). */
    settlementPollMs: number;
    /** How far back settlement polling looks. */
    settlementLookbackMs: number;
  };
  /** Changes driven from Attio (plan, cancel, reactivate, billing details). */
  subscriptions: {
    /** When a plan change takes effect in Zoho (proration is Zoho's). */
    planChangeAt: 'immediately' | 'end_of_term';
    /** When a cancellation requested in Attio takes effect. */
    cancelAt: 'end_of_term' | 'immediately';
    /** The record attributes holding the billing name and e-mail kept in step with Zoho and Braintree. */
    billingNameAttribute: string;
    billingEmailAttribute: string;
  };
  checkout: {
    /** Signs new checkout tokens (the first of CHECKOUT_TOKEN_SECRET). */
    tokenSecret: string;
    /** Every secret that verifies a token (rotation: new first, old kept until its links expire). */
    tokenSecrets: string[];
    sessionTtlHours: number;
    /** The Attio attribute and value that ask for a checkout link. */
    triggerAttribute: string;
    triggerValue: string;
    /** `required`: a card nonce without a 3-D Secure liability shift is refused. */
    threeDSecure: 'off' | 'required';
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
