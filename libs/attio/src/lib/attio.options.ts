import type { AppConfig, IntegrationMode, UpstreamPolicyConfig, UpstreamPolicyDeps } from '@aia/platform';

export interface AttioModuleOptions {
  mode: IntegrationMode;
  attio: AppConfig['attio'];
  /** Overrides on top of ATTIO_POLICY (tests use small delays and timeouts). */
  policy?: Partial<UpstreamPolicyConfig>;
  policyDeps?: Omit<UpstreamPolicyDeps, 'metrics'>;
}

export const ATTIO_MODULE_OPTIONS = Symbol('ATTIO_MODULE_OPTIONS');
export const ATTIO_POLICY_TOKEN = Symbol('ATTIO_POLICY');

/** The usual factory: everything from the validated AppConfig. */
export function attioOptionsFromConfig(config: AppConfig): AttioModuleOptions {
  return { mode: config.mode, attio: config.attio };
}
