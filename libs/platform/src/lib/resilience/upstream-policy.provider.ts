import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { UpstreamMetrics } from '../metrics/metrics';
import { PolicyRegistry } from './policy-registry';
import { UpstreamPolicy, UpstreamPolicyDeps } from './upstream-policy';
import type { UpstreamPolicyConfig } from './upstream-policy.config';

/**
 * The provider every platform module uses for its policy: built from the module's options, given the
 * process metrics, and registered for health and alerting. MetricsModule may be absent in small test
 * modules, so both are optional.
 */
export function upstreamPolicyProvider<O>(
  provide: InjectionToken,
  optionsToken: InjectionToken,
  build: (options: O) => { config: UpstreamPolicyConfig; deps?: Omit<UpstreamPolicyDeps, 'metrics'> },
): FactoryProvider<UpstreamPolicy> {
  return {
    provide,
    inject: [
      optionsToken,
      { token: PolicyRegistry, optional: true },
      { token: UpstreamMetrics, optional: true },
    ],
    useFactory: (options: O, registry?: PolicyRegistry, metrics?: UpstreamMetrics) => {
      const { config, deps } = build(options);
      const policy = new UpstreamPolicy(config, { ...deps, metrics });
      registry?.register(policy);
      return policy;
    },
  };
}
