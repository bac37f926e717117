import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, UpstreamPolicy } from '@aia/platform';
import type * as braintree from 'braintree';
import { braintreeUpstreamError, classifyBraintreeError, sdkCall } from './braintree-error.classifier';
import {
  BraintreeOutcome,
  outcomeFromResult,
  outcomeOfTransaction,
  SdkResult,
  SUCCESSFUL_TRANSACTION_STATUSES,
  TransactionSummary,
  transactionSummary,
} from './braintree-outcome';
import {
  BRAINTREE_GATEWAY,
  BRAINTREE_MODULE_OPTIONS,
  BRAINTREE_UPSTREAM_POLICY,
  BraintreeModuleOptions,
} from './braintree.tokens';

export interface SaleInput {
  /** Decimal string, e.g. "49.00". */
  amount: string;
  /** ISO currency; picks the merchant account from `AppConfig.braintree.merchantAccounts`. */
  currency: string;
  /** Our idempotency key: the Zoho invoice id (ARCHITECTURE.md §5). */
  orderId: string;
  /** Charge this vaulted card… */
  paymentMethodToken?: string;
  /** …or the customer's default card. */
  customerId?: string;
  /** Default true: capture now (the invoice is due). */
  submitForSettlement?: boolean;
}

/**
 * How far back (ms) a transaction for the same orderId may have been created and still be taken as the
 * answer to *this* sale after an ambiguous failure: covers clock skew between us and Braintree. Older
 * declines for the same invoice belong to earlier attempts (recovery retries reuse the orderId).
 */
const SAME_ATTEMPT_WINDOW_MS = 60_000;

type TransactionResult = SdkResult & { transaction?: braintree.Transaction };

@Injectable()
export class BraintreeTransactionsService {
  constructor(
    @Inject(BRAINTREE_GATEWAY) private readonly gateway: braintree.BraintreeGateway,
    @Inject(BRAINTREE_UPSTREAM_POLICY) private readonly policy: UpstreamPolicy,
    @Inject(BRAINTREE_MODULE_OPTIONS) private readonly options: BraintreeModuleOptions,
  ) {}

  merchantAccountFor(currency: string): string {
    const id = this.options.braintree.merchantAccounts[currency.toUpperCase()];
    if (!id) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `no Braintree merchant account is configured for ${currency}`,
        {
          currency,
        },
      );
    }
    return id;
  }

  /**
   * Charges once. Braintree has no idempotency key, so the sale is NEVER blindly re-sent: after a timeout,
   * 5xx or reset the policy first searches transactions by orderId (`check`), and only re-sends when the
   * gateway holds nothing for this attempt. A "duplicate" gateway rejection on a re-send is answered with
   * the earlier successful transaction it duplicates.
   */
  async sale(input: SaleInput): Promise<BraintreeOutcome<TransactionSummary>> {
    if (!input.paymentMethodToken && !input.customerId) {
      throw new DomainError(ErrorCode.ValidationFailed, 'a sale needs a paymentMethodToken or a customerId');
    }
    const merchantAccountId = this.merchantAccountFor(input.currency);
    const startedAt = Date.now();
    const outcome = await this.policy.write(
      'transaction.sale',
      () =>
        sdkCall('transaction.sale', async () => {
          const result = (await this.gateway.transaction.sale({
            amount: input.amount,
            orderId: input.orderId,
            merchantAccountId,
            paymentMethodToken: input.paymentMethodToken,
            customerId: input.paymentMethodToken ? undefined : input.customerId,
            options: { submitForSettlement: input.submitForSettlement ?? true },
          })) as unknown as TransactionResult;
          return outcomeFromResult(result, (r) =>
            transactionSummary((r as TransactionResult).transaction as braintree.Transaction),
          );
        }),
      { kind: 'check', find: () => this.saleOutcomeFor(input.orderId, startedAt) },
    );
    if (outcome.outcome === 'gateway_rejected' && outcome.reason === 'duplicate') {
      const earlier = (await this.searchByOrderId(input.orderId)).find((t) => this.isSuccessfulSale(t));
      if (earlier) return { outcome: 'approved', value: earlier };
    }
    return outcome;
  }

  /** The transaction, or undefined when Braintree has none with this id. */
  find(id: string): Promise<TransactionSummary | undefined> {
    return this.policy.read('transaction.find', () => this.findRaw(id));
  }

  /** Every transaction carrying this orderId (sales and refunds), newest first. */
  searchByOrderId(orderId: string): Promise<TransactionSummary[]> {
    return this.policy.read('transaction.search', () => this.searchRaw(orderId));
  }

  /** Voids an authorized or submitted-for-settlement transaction; after an ambiguous failure it checks first. */
  void(id: string): Promise<BraintreeOutcome<TransactionSummary>> {
    return this.policy.write(
      'transaction.void',
      () =>
        sdkCall('transaction.void', async () => {
          const result = (await this.gateway.transaction.void(id)) as unknown as TransactionResult;
          return outcomeFromResult(result, (r) =>
            transactionSummary((r as TransactionResult).transaction as braintree.Transaction),
          );
        }),
      {
        kind: 'check',
        find: async () => {
          const t = await this.findRaw(id);
          return t?.status === 'voided' ? { outcome: 'approved', value: t } : undefined;
        },
      },
    );
  }

  /**
   * Refunds a settled/settling sale, fully or `amount`. Not re-sent after an ambiguous failure (`never`): a
   * second refund would pay out twice and refunds carry no key to look them up by; the error surfaces for an
   * operator (or a later reconciliation) to resolve.
   */
  refund(id: string, amount?: string): Promise<BraintreeOutcome<TransactionSummary>> {
    return this.policy.write(
      'transaction.refund',
      () =>
        sdkCall('transaction.refund', async () => {
          const result = (await (amount === undefined
            ? this.gateway.transaction.refund(id)
            : this.gateway.transaction.refund(id, amount))) as unknown as TransactionResult;
          return outcomeFromResult(result, (r) =>
            transactionSummary((r as TransactionResult).transaction as braintree.Transaction),
          );
        }),
      { kind: 'never' },
    );
  }

  private isSuccessfulSale(t: TransactionSummary): boolean {
    return t.type === 'sale' && SUCCESSFUL_TRANSACTION_STATUSES.has(t.status);
  }

  /**
   * After an ambiguous failure: did this sale happen? A successful sale for the orderId (at any time) means
   * the invoice is charged; otherwise a sale created since this call began tells its outcome (e.g. declined).
   */
  private async saleOutcomeFor(
    orderId: string,
    startedAt: number,
  ): Promise<BraintreeOutcome<TransactionSummary> | undefined> {
    const found = await this.searchRaw(orderId);
    const success = found.find((t) => this.isSuccessfulSale(t));
    if (success) return { outcome: 'approved', value: success };
    const recent = found.find(
      (t) => t.type === 'sale' && Date.parse(t.createdAt) >= startedAt - SAME_ATTEMPT_WINDOW_MS,
    );
    return recent ? outcomeOfTransaction(recent) : undefined;
  }

  private async findRaw(id: string): Promise<TransactionSummary | undefined> {
    try {
      return transactionSummary(await this.gateway.transaction.find(id));
    } catch (err) {
      if (classifyBraintreeError(err).kind === 'not_found') return undefined;
      throw braintreeUpstreamError(err, 'transaction.find');
    }
  }

  private searchRaw(orderId: string): Promise<TransactionSummary[]> {
    return sdkCall(
      'transaction.search',
      () =>
        new Promise<TransactionSummary[]>((resolve, reject) => {
          const found: TransactionSummary[] = [];
          const stream = this.gateway.transaction.search((s) => s.orderId().is(orderId));
          stream.on('data', (t: braintree.Transaction) => found.push(transactionSummary(t)));
          stream.on('error', reject);
          stream.on('end', () => resolve(found.sort((a, b) => b.createdAt.localeCompare(a.createdAt))));
        }),
    );
  }
}
