import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { CheckoutCompletion, CheckoutSessionView, ClientTokenResponse } from '@aia/contracts';
import { BraintreeClientTokenService } from '@aia/braintree';
import { DomainError, ErrorCode } from '@aia/platform';
import {
  CardUpdateUseCase,
  DescribeCheckoutSessionUseCase,
  SubscriptionInitiationUseCase,
} from '@aia/workflows';
import { COMPLETE_LIMITS } from './checkout-throttling';
import { CompleteCheckoutDto } from './dto/complete-checkout.dto';
import { CheckoutTokenService } from './sessions/checkout-token.service';

/**
 * The customer's checkout page talks to these three endpoints. The token in the path is the whole session
 * (signed, expiring); every call verifies it first, so a forged or expired link costs no upstream call.
 */
@ApiTags('checkout')
@UseGuards(ThrottlerGuard)
@Controller('checkout/sessions')
export class CheckoutController {
  constructor(
    private readonly tokens: CheckoutTokenService,
    private readonly describe: DescribeCheckoutSessionUseCase,
    private readonly subscribe: SubscriptionInitiationUseCase,
    private readonly updateCard: CardUpdateUseCase,
    private readonly clientTokens: BraintreeClientTokenService,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'What the checkout page shows: customer, plan, price, card fields to use' })
  async session(@Param('token') token: string): Promise<CheckoutSessionView> {
    return this.describe.execute(await this.tokens.verify(token));
  }

  @Post(':token/client-token')
  @HttpCode(200)
  @ApiOperation({ summary: 'A Braintree client token for the card fields of an open session' })
  async clientToken(@Param('token') token: string): Promise<ClientTokenResponse> {
    const claims = await this.tokens.verify(token);
    await this.describe.execute(claims); // 404/409 for sessions that cannot take a card
    const result = await this.clientTokens.generate();
    if (result.outcome !== 'approved') {
      throw new DomainError(ErrorCode.UpstreamUnavailable, 'The card form could not be prepared; try again.');
    }
    return { clientToken: result.value };
  }

  @Post(':token/complete')
  @HttpCode(200)
  @Throttle(COMPLETE_LIMITS)
  @ApiOperation({ summary: 'Pay: vault the card, create or reuse the customer and subscription' })
  async complete(
    @Param('token') token: string,
    @Body() body: CompleteCheckoutDto,
  ): Promise<CheckoutCompletion> {
    const claims = await this.tokens.verify(token);
    const summary =
      claims.mode === 'subscribe'
        ? await this.subscribe.execute({
            claims,
            nonce: body.nonce,
            deviceData: body.deviceData,
            billing: body.billing,
          })
        : await this.updateCard.execute({ claims, nonce: body.nonce });
    return { state: 'completed', summary };
  }
}
