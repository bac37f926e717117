import { Inject, Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { EVENTS_STORE } from '../store/events-store';
import type { EventsStore } from '../store/events-store';

/**
 * Terminus-compatible check of the event store (inbox + queue). Never throws: a failing store is
 * reported as `down` with its message, the shape HealthCheckService expects from indicators.
 */
@Injectable()
export class EventsHealthIndicator {
  constructor(@Inject(EVENTS_STORE) private readonly store: EventsStore) {}

  async isHealthy(key = 'events'): Promise<HealthIndicatorResult> {
    try {
      await Promise.all([this.store.inbox.ping(), this.store.queue.ping()]);
      const counts = await this.store.queue.counts();
      return {
        [key]: { status: 'up', backend: this.store.queue.kind, waiting: counts.waiting, dead: counts.dead },
      };
    } catch (err) {
      return {
        [key]: {
          status: 'down',
          backend: this.store.queue.kind,
          message: err instanceof Error ? err.message : String(err),
        },
      };
    }
  }
}
