import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';

export type ReadinessCheck = () => Promise<HealthIndicatorResult>;

/**
 * Modules add what "ready" means for them (the event store, …) at start-up; the health controller runs
 * them all. Keeps the health module free of imports from the modules it reports on.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Each check; one that throws counts as "down" with its message rather than failing the endpoint. */
  list(): ReadinessCheck[] {
    return [...this.checks.entries()].map(([name, check]) => async () => {
      try {
        return await check();
      } catch (err) {
        return { [name]: { status: 'down', message: err instanceof Error ? err.message : String(err) } };
      }
    });
  }
}
