import { Inject, Injectable } from '@nestjs/common';
import { UpstreamPolicy } from '@aia/platform';
import type * as braintree from 'braintree';
import { braintreeUpstreamError, classifyBraintreeError, sdkCall } from './braintree-error.classifier';
import { BraintreeOutcome, outcomeFromResult, SdkResult } from './braintree-outcome';
import { PaymentMethodSummary, paymentMethodSummary } from './braintree-summaries';
import { BRAINTREE_GATEWAY, BRAINTREE_UPSTREAM_POLICY } from './braintree.tokens';

export interface CreatePaymentMethodInput {
  customerId: string;
  paymentMethodNonce: string;
  makeDefault?: boolean;
  verifyCard?: boolean;
}

type PaymentMethodResult = SdkResult & { paymentMethod?: braintree.PaymentMethod };

@Injectable()
export class BraintreePaymentMethodsService {
  constructor(
    @Inject(BRAINTREE_GATEWAY) private readonly gateway: braintree.BraintreeGateway,
    @Inject(BRAINTREE_UPSTREAM_POLICY) private readonly policy: UpstreamPolicy,
  ) {}

  /**
   * Vaults a card. Not re-sent after an ambiguous failure (`never`): a second vaulting would leave a duplicate
   * card; the error surfaces and the caller (card-update flow) asks the customer again.
   */
  create(input: CreatePaymentMethodInput): Promise<BraintreeOutcome<PaymentMethodSummary>> {
    return this.policy.write(
      'paymentMethod.create',
      () =>
        sdkCall('paymentMethod.create', async () => {
          const result = (await this.gateway.paymentMethod.create({
            customerId: input.customerId,
            paymentMethodNonce: input.paymentMethodNonce,
            options: { makeDefault: input.makeDefault, verifyCard: input.verifyCard },
          })) as unknown as PaymentMethodResult;
          return outcomeFromResult(result, (r) =>
            paymentMethodSummary((r as PaymentMethodResult).paymentMethod as braintree.CreditCard),
          );
        }),
      { kind: 'never' },
    );
  }

  /** Makes the card the customer's default; repeating it is harmless. */
  makeDefault(token: string): Promise<BraintreeOutcome<PaymentMethodSummary>> {
    return this.policy.write(
      'paymentMethod.makeDefault',
      () =>
        sdkCall('paymentMethod.makeDefault', async () => {
          const result = (await this.gateway.paymentMethod.update(token, {
            options: { makeDefault: true },
          })) as unknown as PaymentMethodResult;
          return outcomeFromResult(result, (r) =>
            paymentMethodSummary((r as PaymentMethodResult).paymentMethod as braintree.CreditCard),
          );
        }),
      { kind: 'idempotent' },
    );
  }

  /** Deletes the card; true if it was deleted now, false if it was already gone (a repeat is harmless). */
  delete(token: string): Promise<boolean> {
    return this.policy.write(
      'paymentMethod.delete',
      async () => {
        try {
          await this.gateway.paymentMethod.delete(token);
          return true;
        } catch (err) {
          if (classifyBraintreeError(err).kind === 'not_found') return false;
          throw braintreeUpstreamError(err, 'paymentMethod.delete');
        }
      },
      { kind: 'idempotent' },
    );
  }

  find(token: string): Promise<PaymentMethodSummary | undefined> {
    return this.policy.read('paymentMethod.find', async () => {
      try {
        return paymentMethodSummary((await this.gateway.paymentMethod.find(token)) as braintree.CreditCard);
      } catch (err) {
        if (classifyBraintreeError(err).kind === 'not_found') return undefined;
        throw braintreeUpstreamError(err, 'paymentMethod.find');
      }
    });
  }
}
