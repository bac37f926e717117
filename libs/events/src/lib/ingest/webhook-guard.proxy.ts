import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { lastValueFrom } from 'rxjs';
import { DomainError, ErrorCode } from '@aia/platform';
import type { Platform } from '@aia/platform';
import { WEBHOOK_GUARDS } from '../events-options';
import type { WebhookGuardRef } from '../events-options';
import { DrainState } from './drain-state';

/**
 * Delegates to the guard configured for a platform (the real one, or a test double), after refusing
 * with 503 while the process drains. Keeps the controller's decorators static while the guard is
 * chosen by EventsModule.forRootAsync({ guards }).
 */
abstract class WebhookGuardProxy implements CanActivate {
  protected abstract readonly platform: Platform;
  private resolved?: CanActivate;

  constructor(
    @Inject(WEBHOOK_GUARDS) private readonly guards: Partial<Record<Platform, WebhookGuardRef>>,
    private readonly moduleRef: ModuleRef,
    private readonly drain: DrainState,
  ) {}

  canActivate(context: ExecutionContext): ReturnType<CanActivate['canActivate']> {
    if (this.drain.isDraining)
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Shutting down; retry shortly');
    // Once resolved, the guard's own answer is passed on as is (Nest awaits promises and observables):
    // no extra promises on the webhook hot path.
    if (this.resolved) return this.resolved.canActivate(context);
    return this.firstActivation(context);
  }

  private async firstActivation(context: ExecutionContext): Promise<boolean> {
    const result = await (await this.guard()).canActivate(context);
    return typeof result === 'boolean' ? result : lastValueFrom(result);
  }

  private async guard(): Promise<CanActivate> {
    if (this.resolved) return this.resolved;
    const ref = this.guards[this.platform];
    if (!ref) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `No webhook guard is configured for ${this.platform}`,
      );
    }
    if (typeof ref !== 'function') return (this.resolved = ref);
    const type = ref as Type<CanActivate>;
    let instance: CanActivate | undefined;
    try {
      instance = this.moduleRef.get(type, { strict: false });
    } catch {
      instance = undefined;
    }
    if (!instance) {
      try {
        instance = await this.moduleRef.create(type);
      } catch (err) {
        // Its integration module (and so its secrets) is not loaded: refuse, never accept unverified.
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          `The ${this.platform} webhook guard is not available (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    }
    this.resolved = instance;
    return instance;
  }
}

@Injectable()
export class AttioWebhookGuardProxy extends WebhookGuardProxy {
  protected readonly platform = 'attio' as const;
}

@Injectable()
export class ZohoWebhookGuardProxy extends WebhookGuardProxy {
  protected readonly platform = 'zoho' as const;
}

@Injectable()
export class BraintreeWebhookGuardProxy extends WebhookGuardProxy {
  protected readonly platform = 'braintree' as const;
}
