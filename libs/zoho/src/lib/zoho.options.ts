import type { AppConfig, IntegrationMode, UpstreamPolicyConfig, UpstreamPolicyDeps } from '@aia/platform';

export interface ZohoModuleOptions {
  mode: IntegrationMode;
  zoho: AppConfig['zoho'];
  /** Overrides on top of `zohoPolicy(requestsPerMinute)` (tests use small delays). */
  policy?: Partial<UpstreamPolicyConfig>;
  policyDeps?: Omit<UpstreamPolicyDeps, 'metrics'>;
  tokenRefreshMarginMs?: number;
}

export const ZOHO_MODULE_OPTIONS = Symbol('ZOHO_MODULE_OPTIONS');
export const ZOHO_POLICY = Symbol('ZOHO_POLICY');

/** The usual factory: everything from the validated AppConfig. */
export function zohoOptionsFromConfig(config: AppConfig): ZohoModuleOptions {
  return { mode: config.mode, zoho: config.zoho };
}
