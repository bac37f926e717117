import { ZohoDataCenter } from './zoho-data-centers';

export type IntegrationMode = 'sandbox' | 'live';
export type BraintreeEnvironmentName = 'sandbox' | 'production' | 'emulator';

/** The validated, typed configuration every module receives (see app-config.schema.ts). */
export interface AppConfig {
  mode: IntegrationMode;
  nodeEnv: string;
  logLevel: string;
  port: number;
  publicApiUrl: string;
  checkoutPublicUrl: string;
  dataDir: string;
  adminToken: string;
  alertWebhookUrl?: string;
  redisUrl?: string;
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
  };
  checkout: {
    tokenSecret: string;
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
