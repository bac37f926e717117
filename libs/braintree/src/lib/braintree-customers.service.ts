import { Inject, Injectable } from '@nestjs/common';
import { UpstreamPolicy } from '@aia/platform';
import type * as braintree from 'braintree';
import { classifyBraintreeError, braintreeUpstreamError, sdkCall } from './braintree-error.classifier';
import { BraintreeOutcome, outcomeFromResult, SdkResult } from './braintree-outcome';
import { CustomerSummary, customerSummary } from './braintree-summaries';
import { BRAINTREE_GATEWAY, BRAINTREE_UPSTREAM_POLICY } from './braintree.tokens';
import { BraintreePaymentMethodsService } from './braintree-payment-methods.service';

/** Braintree's "Customer ID has already been taken." (ValidationErrorCodes.Customer.IdIsInUse). */
export const CUSTOMER_ID_TAKEN = '91609';

export interface CreateCustomerInput {
  /** Our id (derived from the Attio record id): makes the create idempotent. */
  id: string;
  paymentMethodNonce?: string;
  /** Runs a $0 verification before vaulting the card (`creditCard.options.verifyCard`). */
  verifyCard?: boolean;
  /** Our token for the vaulted card (see CreatePaymentMethodInput.token). */
  cardToken?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
}

@Injectable()
export class BraintreeCustomersService {
  constructor(
    @Inject(BRAINTREE_GATEWAY) private readonly gateway: braintree.BraintreeGateway,
    @Inject(BRAINTREE_UPSTREAM_POLICY) private readonly policy: UpstreamPolicy,
    private readonly paymentMethods: BraintreePaymentMethodsService,
  ) {}

  /**
   * Creates the customer with our own id and (optionally) vaults the nonce's card. Idempotent by id: an
   * "id already taken" answer, or an ambiguous failure followed by a successful find, returns the existing
   * customer (`alreadyExisted: true`); if that customer has no card yet, the nonce's card is added to it.
   */
  async create(input: CreateCustomerInput): Promise<BraintreeOutcome<CustomerSummary>> {
    const outcome = await this.policy.write(
      'customer.create',
      () =>
        sdkCall('customer.create', async () => {
          const request: braintree.CustomerCreateRequest = {
            id: input.id,
            email: input.email,
            firstName: input.firstName,
            lastName: input.lastName,
            company: input.company,
          };
          if (input.paymentMethodNonce) {
            request.paymentMethodNonce = input.paymentMethodNonce;
            if (input.verifyCard || input.cardToken) {
              // @types/braintree wants customerId here; the SDK does not (customer_gateway.js signature).
              request.creditCard = {
                ...(input.cardToken ? { token: input.cardToken } : {}),
                options: { verifyCard: input.verifyCard },
              } as braintree.CreditCardCreateRequest;
            }
          }
          const result = (await this.gateway.customer.create(request)) as unknown as SdkResult & {
            customer?: braintree.Customer;
          };
          return outcomeFromResult(result, (r) =>
            customerSummary((r as typeof result).customer as braintree.Customer),
          );
        }),
      { kind: 'check', find: () => this.findExisting(input.id) },
    );
    if (outcome.outcome === 'validation_failed' && outcome.errors.some((e) => e.code === CUSTOMER_ID_TAKEN)) {
      const existing = await this.find(input.id);
      if (existing) return this.completeExisting(existing, input);
    }
    if (outcome.outcome === 'approved' && outcome.value.alreadyExisted)
      return this.completeExisting(outcome.value, input);
    return outcome;
  }

  /**
   * Updates the customer's details (not its cards). PUT semantics: the same values twice is harmless, so it
   * is retried freely (`idempotent`).
   */
  update(
    id: string,
    details: Pick<CreateCustomerInput, 'email' | 'firstName' | 'lastName' | 'company'>,
  ): Promise<BraintreeOutcome<CustomerSummary>> {
    return this.policy.write(
      'customer.update',
      () =>
        sdkCall('customer.update', async () => {
          const result = (await this.gateway.customer.update(id, details)) as unknown as SdkResult & {
            customer?: braintree.Customer;
          };
          return outcomeFromResult(result, (r) =>
            customerSummary((r as typeof result).customer as braintree.Customer),
          );
        }),
      { kind: 'idempotent' },
    );
  }

  /** The customer, or undefined when Braintree has none with this id. */
  find(id: string): Promise<CustomerSummary | undefined> {
    return this.policy.read('customer.find', () => this.findRaw(id));
  }

  private async findRaw(id: string): Promise<CustomerSummary | undefined> {
    try {
      return customerSummary(await this.gateway.customer.find(id));
    } catch (err) {
      if (classifyBraintreeError(err).kind === 'not_found') return undefined;
      throw braintreeUpstreamError(err, 'customer.find');
    }
  }

  private async findExisting(id: string): Promise<BraintreeOutcome<CustomerSummary> | undefined> {
    const found = await this.findRaw(id);
    return found ? { outcome: 'approved', value: { ...found, alreadyExisted: true } } : undefined;
  }

  private async completeExisting(
    existing: CustomerSummary,
    input: CreateCustomerInput,
  ): Promise<BraintreeOutcome<CustomerSummary>> {
    if (!input.paymentMethodNonce || existing.paymentMethods.length > 0) {
      return { outcome: 'approved', value: { ...existing, alreadyExisted: true } };
    }
    const added = await this.paymentMethods.create({
      customerId: existing.id,
      paymentMethodNonce: input.paymentMethodNonce,
      verifyCard: input.verifyCard,
      makeDefault: true,
      token: input.cardToken,
    });
    if (added.outcome !== 'approved') return added;
    const refreshed = (await this.find(existing.id)) ?? existing;
    return { outcome: 'approved', value: { ...refreshed, alreadyExisted: true } };
  }
}
