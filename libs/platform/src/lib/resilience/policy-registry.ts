import { Injectable } from '@nestjs/common';
import type { Platform } from '../errors/upstream-error';
import type { BreakerState } from './circuit-breaker';
import type { UpstreamPolicy, UpstreamPolicySnapshot } from './upstream-policy';

/**
 * Knows every platform's policy so health checks and ops pages can show breaker states. Provided
 * globally by MetricsModule; each integration module registers its policy once. One entry per
 * platform: a later registration for the same platform replaces the earlier one.
 */
@Injectable()
export class PolicyRegistry {
  private readonly policies = new Map<string, UpstreamPolicy>();
  private readonly openListeners: Array<(platform: Platform) => void> = [];

  register(policy: UpstreamPolicy): void {
    this.policies.set(policy.platform, policy);
    policy.onBreakerOpen((platform) => {
      for (const listener of this.openListeners) listener(platform);
    });
  }

  /** Called whenever any registered platform's breaker opens (alerts subscribe here). */
  onBreakerOpen(listener: (platform: Platform) => void): void {
    this.openListeners.push(listener);
  }

  /** Every registered platform's snapshot (breaker, recent failures, rate-limit use), by platform name. */
  snapshot(): UpstreamPolicySnapshot[] {
    return [...this.policies.values()]
      .map((policy) => policy.snapshot())
      .sort((a, b) => a.platform.localeCompare(b.platform));
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries(
      [...this.policies].map(([platform, policy]) => [platform, policy.breakerState]),
    );
  }
}
