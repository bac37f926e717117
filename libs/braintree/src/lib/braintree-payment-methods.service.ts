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
  /**
   * Our token for the vaulted card (e.g. derived from a checkout session). With it the create is safe to
   * repeat: "token already in use" (91719) or a card found under it after an ambiguous failure is the card
   * an earlier attempt vaulted, answered as approved with `alreadyExisted`.
   */
  token?: string;
}

/**
 * The 3-D Secure result of a nonce, as `PaymentMethodNonce.find` answers it: Braintree's documented
 * server-side check ("returns … 3D Secure information such as liabilityShifted and liabilityShiftPossible.
 * This can be used for server-side risk checking before creating transactions";
 * https://developer.paypal.com/braintree/docs/reference/request/payment-method-nonce/find/node/). The values
 * braintree-web hands the page "should not be trusted for your server-side risk assessment"
 * (https://developer.paypal.com/braintree/docs/guides/3d-secure/advanced-options).
 * - `not_found`: Braintree does not know the nonce (never issued, or expired);
 * - `none`: the nonce carries no 3DS info (tokenized without a 3DS verification);
 * - `captured`: the 3DS result; `liabilityShifted` true means authentication succeeded (or the card brand
 *   took the liability), so fraud chargebacks are the issuer's.
 */
export type NonceThreeDSecure =
  | { kind: 'not_found' }
  | { kind: 'none' }
  | {
      kind: 'captured';
      liabilityShifted: boolean;
      liabilityShiftPossible: boolean;
      /** e.g. `authenticate_successful`, `authenticate_frictionless_failed`. */
      status: string | null;
      /** `Y`, `N`, `U`, `B`. */
      enrolled: string | null;
    };

/** Braintree's "Token is already in use." (ValidationErrorCodes.CreditCard.TokenIsInUse). */
export const PAYMENT_METHOD_TOKEN_TAKEN = '91719';

type PaymentMethodResult = SdkResult & { paymentMethod?: braintree.PaymentMethod };

@Injectable()
export class BraintreePaymentMethodsService {
  constructor(
    @Inject(BRAINTREE_GATEWAY) private readonly gateway: braintree.BraintreeGateway,
    @Inject(BRAINTREE_UPSTREAM_POLICY) private readonly policy: UpstreamPolicy,
  ) {}

  /**
   * Vaults a card. Without our own `token` it is not re-sent after an ambiguous failure (`never`): a second
   * vaulting would leave a duplicate card. With a token, a repeat looks the token up first.
   */
  async create(
    input: CreatePaymentMethodInput,
  ): Promise<BraintreeOutcome<PaymentMethodSummary & { alreadyExisted?: boolean }>> {
    const token = input.token;
    const existing = async () => {
      const found = token ? await this.findRaw(token) : undefined;
      return found && found.customerId === input.customerId
        ? ({ outcome: 'approved', value: { ...found, alreadyExisted: true } } as const)
        : undefined;
    };
    const outcome = await this.policy.write(
      'paymentMethod.create',
      () =>
        sdkCall('paymentMethod.create', async () => {
          const result = (await this.gateway.paymentMethod.create({
            customerId: input.customerId,
            paymentMethodNonce: input.paymentMethodNonce,
            ...(token ? { token } : {}),
            options: { makeDefault: input.makeDefault, verifyCard: input.verifyCard },
          })) as unknown as PaymentMethodResult;
          return outcomeFromResult(result, (r) =>
            paymentMethodSummary((r as PaymentMethodResult).paymentMethod as braintree.CreditCard),
          );
        }),
      token ? { kind: 'check', find: existing } : { kind: 'never' },
    );
    if (
      outcome.outcome === 'validation_failed' &&
      outcome.errors.some((e) => e.code === PAYMENT_METHOD_TOKEN_TAKEN)
    ) {
      return (await existing()) ?? outcome;
    }
    return outcome;
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

  /**
   * The nonce's 3-D Secure result (PaymentMethodNonce.find). A read: it does not consume the nonce, so it is
   * retried like any read; an unknown nonce is `not_found`, not an error.
   */
  threeDSecureOf(nonce: string): Promise<NonceThreeDSecure> {
    return this.policy.read('paymentMethodNonce.find', async () => {
      let found: braintree.PaymentMethodNonce;
      try {
        found = await this.gateway.paymentMethodNonce.find(nonce);
      } catch (err) {
        if (classifyBraintreeError(err).kind === 'not_found') return { kind: 'not_found' } as const;
        throw braintreeUpstreamError(err, 'paymentMethodNonce.find');
      }
      // The SDK leaves `threeDSecureInfo` null (nil in the XML) when no 3DS info was captured.
      const info = found.threeDSecureInfo as
        | {
            liabilityShifted?: unknown;
            liabilityShiftPossible?: unknown;
            status?: unknown;
            enrolled?: unknown;
          }
        | null
        | undefined;
      if (!info) return { kind: 'none' } as const;
      return {
        kind: 'captured',
        liabilityShifted: info.liabilityShifted === true,
        liabilityShiftPossible: info.liabilityShiftPossible === true,
        status: typeof info.status === 'string' ? info.status : null,
        enrolled: typeof info.enrolled === 'string' ? info.enrolled : null,
      } as const;
    });
  }

  find(token: string): Promise<PaymentMethodSummary | undefined> {
    return this.policy.read('paymentMethod.find', () => this.findRaw(token));
  }

  private async findRaw(token: string): Promise<PaymentMethodSummary | undefined> {
    try {
      return paymentMethodSummary((await this.gateway.paymentMethod.find(token)) as braintree.CreditCard);
    } catch (err) {
      if (classifyBraintreeError(err).kind === 'not_found') return undefined;
      throw braintreeUpstreamError(err, 'paymentMethod.find');
    }
  }
}
