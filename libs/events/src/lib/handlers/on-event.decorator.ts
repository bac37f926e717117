import { SetMetadata } from '@nestjs/common';
import type { Platform } from '@aia/platform';
import type { EventHandlerOptions, StoredEventHandler } from './event-handler.registry';

export const ON_EVENT_METADATA = 'aia:on-event';

export interface OnEventMetadata extends EventHandlerOptions {
  platform: Platform;
  types: string[];
}

/**
 * Marks a provider as the handler of one platform's event types. EventHandlerDiscovery finds it at
 * start-up and registers its `handle(event)`; adding a workflow is one decorated class, no registry edits.
 */
export function OnEvent(platform: Platform, types: string | string[], options: EventHandlerOptions = {}) {
  const metadata: OnEventMetadata = { platform, types: [types].flat(), ...options };
  return SetMetadata(ON_EVENT_METADATA, metadata);
}

export type { StoredEventHandler };
