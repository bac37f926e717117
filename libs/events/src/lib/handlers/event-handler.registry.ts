import { Injectable } from '@nestjs/common';
import type { Platform, VerifiedWebhook } from '@aia/platform';
import type { StoredEvent } from '../inbox/stored-event';

/**
 * Handles one stored event. Resolve = done; throw = failed attempt (temporary errors are retried,
 * PermanentJobError / permanent DomainErrors dead-letter at once). Runs at least once per event, so
 * its side effects must be safe to repeat (ARCHITECTURE.md §5).
 */
export type EventHandler = (event: StoredEvent) => Promise<void> | void;

/** The shape of a class decorated with @OnEvent. */
export interface StoredEventHandler {
  handle(event: StoredEvent): Promise<void> | void;
}

export interface EventHandlerOptions {
  /**
   * The serialisation key of the event's job (an invoice id, an Attio record id): events with the same
   * key are processed one at a time, in arrival order. Default: `platform:eventId` (no serialisation).
   */
  key?: (webhook: VerifiedWebhook) => string | undefined;
}

export interface RegisteredEventHandler {
  platform: Platform;
  type: string;
  handle: EventHandler;
  key?: EventHandlerOptions['key'];
}

/**
 * Which event types the service handles; workflows declare theirs with @OnEvent (EventHandlerDiscovery registers
 * them at start-up). Others are `ignored`.
 */
@Injectable()
export class EventHandlerRegistry {
  private readonly handlers = new Map<string, RegisteredEventHandler>();

  register(platform: Platform, type: string, handler: EventHandler, options: EventHandlerOptions = {}): void {
    const id = `${platform}:${type}`;
    if (this.handlers.has(id)) throw new Error(`an event handler for ${id} is already registered`);
    this.handlers.set(id, { platform, type, handle: handler, key: options.key });
  }

  get(platform: Platform, type: string): RegisteredEventHandler | undefined {
    return this.handlers.get(`${platform}:${type}`);
  }

  has(platform: Platform, type: string): boolean {
    return this.handlers.has(`${platform}:${type}`);
  }

  list(): Array<{ platform: Platform; type: string }> {
    return [...this.handlers.values()].map(({ platform, type }) => ({ platform, type }));
  }
}
