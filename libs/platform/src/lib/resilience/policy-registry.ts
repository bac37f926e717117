import { Injectable } from '@nestjs/common';
import type { BreakerState } from './circuit-breaker';
import type { UpstreamPolicy } from './upstream-policy';

/**
 * Knows every platform's policy so health checks and ops pages can show breaker states. Provided
 * globally by MetricsModule; each integration module registers its policy once. One entry per
 * platform: a later registration for the same platform replaces the earlier one.
 */
@Injectable()
export class PolicyRegistry {
  private readonly policies = new Map<string, UpstreamPolicy>();

  register(policy: UpstreamPolicy): void {
    this.policies.set(policy.platform, policy);
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries(
      [...this.policies].map(([platform, policy]) => [platform, policy.breakerState]),
    );
  }
}
