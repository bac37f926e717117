import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { CHECKOUT_LINKS } from '@aia/workflows';
import { AdminCheckoutSessionsController } from './admin-checkout-sessions.controller';
import { CheckoutController } from './checkout.controller';
import { checkoutThrottlers } from './checkout-throttling';
import { CheckoutTokenService } from './sessions/checkout-token.service';

/**
 * The API side of checkout: signed sessions (and the CHECKOUT_LINKS port the workflows use to issue them),
 * the public checkout endpoints with their rate limits, and the admin endpoint that creates a link.
 */
@Module({})
export class CheckoutModule {
  /**
   * `http: false` (APP_ROLE worker): only the signed sessions and CHECKOUT_LINKS, which the workflows use
   * to send links from jobs; no route and no rate limiter.
   */
  static forRoot(
    options: { throttlers?: ReturnType<typeof checkoutThrottlers>; http?: boolean } = {},
  ): DynamicModule {
    const http = options.http !== false;
    return {
      module: CheckoutModule,
      global: true,
      imports: http ? [ThrottlerModule.forRoot(options.throttlers ?? checkoutThrottlers())] : [],
      // Every HTTP route of checkout (public endpoints and the admin link endpoint): web and all only.
      controllers: http ? [CheckoutController, AdminCheckoutSessionsController] : [],
      providers: [CheckoutTokenService, { provide: CHECKOUT_LINKS, useExisting: CheckoutTokenService }],
      exports: [CheckoutTokenService, CHECKOUT_LINKS],
    };
  }
}
