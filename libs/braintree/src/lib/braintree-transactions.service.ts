import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError, ErrorCode, UpstreamPolicy } from '@aia/platform';
import type * as braintree from 'braintree';
import {
  BRAINTREE_CHARGE_SEARCH,
  Charge,
  ChargeInput,
  ChargeOptions,
  chargeFrom,
  ChargeSearchConfig,
  DEFAULT_CHARGE_SEARCH,
  RecentSearch,
  SAME_ATTEMPT_WINDOW_MS,
  SettlementSummary,
  TransactionStatusEvent,
} from './braintree-charge';
import { braintreeUpstreamError, classifyBraintreeError, sdkCall } from './braintree-error.classifier';
import {
  BraintreeOutcome,
  outcomeFromResult,
  outcomeOfTransaction,
  SdkResult,
  TransactionSummary,
  transactionSummary,
} from './braintree-outcome';
import {
  BRAINTREE_GATEWAY,
  BRAINTREE_MODULE_OPTIONS,
  BRAINTREE_UPSTREAM_POLICY,
  BraintreeModuleOptions,
} from './braintree.tokens';

export * from './braintree-charge';

/** @deprecated input of `sale`; use `ChargeInput` with `chargeOnce`. */
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

type TransactionResult = SdkResult & { transaction?: braintree.Transaction };

/** Fields of the SDK transaction read for settlement polling (@types/braintree types them loosely). */
interface SdkSettlementFields {
  processorSettlementResponseCode?: string | null;
  processorSettlementResponseText?: string | null;
  settlementBatchId?: string | null;
  statusHistory?: Array<{ status: string; timestamp: string | Date; amount?: string | null }> | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A non-approved outcome is the same whatever the approved value type is. */
function asChargeOutcome(
  o: BraintreeOutcome<TransactionSummary>,
  alreadyExisted: boolean,
): BraintreeOutcome<Charge> {
  return o.outcome === 'approved'
    ? { outcome: 'approved', value: { ...o.value, alreadyExisted, duplicates: [] } }
    : o;
}

@Injectable()
export class BraintreeTransactionsService {
  private readonly search: ChargeSearchConfig;

  constructor(
    @Inject(BRAINTREE_GATEWAY) private readonly gateway: braintree.BraintreeGateway,
    @Inject(BRAINTREE_UPSTREAM_POLICY) private readonly policy: UpstreamPolicy,
    @Inject(BRAINTREE_MODULE_OPTIONS) private readonly options: BraintreeModuleOptions,
    @Optional() @Inject(BRAINTREE_CHARGE_SEARCH) search?: Partial<ChargeSearchConfig>,
  ) {
    this.search = { ...DEFAULT_CHARGE_SEARCH, ...search };
  }

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
   * Charges the invoice `orderId` once (ARCHITECTURE.md §5; limits below). Braintree has no idempotency key and its
   * duplicate checking (~30 s, can be turned off by the merchant) is no safety net, so every send whose
   * earlier fate is unknown looks for its effect first:
   * - `firstAttempt: false` (a job retry, a run after a crash/lease expiry/shutdown): search by orderId
   *   first, re-searching for `searchLagMs`, and return the earlier successful sale (`alreadyExisted`) instead
   *   of sending;
   * - inside the call, after an ambiguous failure (timeout, 5xx, connection reset) the policy's `check`
   *   searches the same way before any re-send;
   * - a `duplicate` gateway rejection is answered with the successful sale it duplicates.
   * Only `firstAttempt: true` skips the first look-up.
   *
   * What it cannot guarantee: a sale that becomes visible to search only more than `searchLagMs` after the
   * look-up began (processed that late, or indexed that late) is missed, and the re-send charges a second
   * time. The next look-up for the orderId then reports both (`duplicates`); no exactly-once guarantee
   * exists without an idempotency key for an unbounded delay — widen `searchLagMs` to trade speed for safety.
   * `searchLagMs` / `searchRetryMs` come from BRAINTREE_CHARGE_SEARCH when bound (defaults SALE_SEARCH_LAG_MS,
   * SALE_SEARCH_RETRY_MS). A look-up that finds nothing costs the whole window (a retry waits ~10 s).
   */
  async chargeOnce(input: ChargeInput, options: ChargeOptions): Promise<BraintreeOutcome<Charge>> {
    this.validated(input);
    if (!options.firstAttempt) {
      const earlier = await this.searchWithinLag(
        () => this.policy.read('transaction.search', () => this.searchRaw(input.orderId)),
        (found) => chargeFrom(found, true),
      );
      if (earlier) return { outcome: 'approved', value: earlier };
    }
    return this.send(input, true);
  }

  /**
   * @deprecated use `chargeOnce(input, { firstAttempt })`: `sale` is a charge that assumes it is the first
   * send for the orderId (no look-up before sending; after an ambiguous failure it still checks).
   */
  sale(input: SaleInput): Promise<BraintreeOutcome<Charge>> {
    return this.send(
      {
        orderId: input.orderId,
        amount: input.amount,
        currencyIsoCode: input.currency,
        customerId: input.customerId,
        paymentMethodToken: input.paymentMethodToken,
      },
      input.submitForSettlement ?? true,
    );
  }

  /** The transaction, or undefined when Braintree has none with this id. */
  find(id: string): Promise<TransactionSummary | undefined> {
    return this.policy.read('transaction.find', () => this.findRaw(id));
  }

  /**
   * Every transaction carrying this orderId (sales and their refunds), newest first; `since` keeps those
   * created at or after it. Successful effects are the sales `isSuccessfulCharge` accepts (authorized,
   * submitted, settling, settled…); declined, gateway rejected, failed and voided ones are not. One search:
   * a sale younger than the search lag may be missing (`chargeOnce` re-searches).
   */
  findByOrderId(orderId: string, options: { since?: Date } = {}): Promise<TransactionSummary[]> {
    return this.policy.read('transaction.search', () => this.searchRaw(orderId, options.since));
  }

  /** @deprecated use `findByOrderId`. */
  searchByOrderId(orderId: string): Promise<TransactionSummary[]> {
    return this.findByOrderId(orderId);
  }

  /**
   * Transactions created since `createdSince` (any status unless `statuses`), newest first, with settlement
   * details — for settlement polling: card settlement sends no webhook (`transaction_settled` /
   * `transaction_settlement_declined` are ACH/SEPA only, PLATFORMS.md §5). Uses the SDK's range and
   * multiple-value search fields `createdAt().min/max` and `status().in` (braintree transaction_search.js).
   */
  searchRecent(query: RecentSearch): Promise<SettlementSummary[]> {
    return this.policy.read('transaction.search', () =>
      this.streamSearch(
        (s) => {
          s.createdAt().min(query.createdSince);
          if (query.createdBefore) s.createdAt().max(query.createdBefore);
          if (query.statuses?.length) s.status().in([...query.statuses] as braintree.TransactionStatus[]);
        },
        (t) => settlementSummary(t),
      ),
    );
  }

  /**
   * Sales (no refunds/credits) created in [createdSince, createdBefore], any status, newest first — the ops
   * page's payments view. One search through the read policy with the SDK's `type().is('sale')` and the
   * `createdAt().min/max` range (braintree transaction_search.js).
   */
  searchSales(query: { createdSince: Date; createdBefore: Date }): Promise<TransactionSummary[]> {
    return this.policy.read('transaction.search', () =>
      this.streamSearch((s) => {
        s.type().is('sale');
        s.createdAt().min(query.createdSince);
        s.createdAt().max(query.createdBefore);
      }, transactionSummary),
    );
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

  /** Throws DomainError for input no send could succeed with; returns the merchant account id. */
  private validated(input: ChargeInput): string {
    if (!input.paymentMethodToken && !input.customerId) {
      throw new DomainError(ErrorCode.ValidationFailed, 'a sale needs a paymentMethodToken or a customerId');
    }
    return this.merchantAccountFor(input.currencyIsoCode);
  }

  /** One sale through the policy, with the `check` look-up after an ambiguous failure. */
  private async send(input: ChargeInput, submitForSettlement: boolean): Promise<BraintreeOutcome<Charge>> {
    const merchantAccountId = this.validated(input);
    const startedAt = Date.now();
    const outcome = await this.policy.write<BraintreeOutcome<Charge>>(
      'transaction.sale',
      () =>
        sdkCall('transaction.sale', async () => {
          const result = (await this.gateway.transaction.sale({
            amount: input.amount,
            orderId: input.orderId,
            merchantAccountId,
            paymentMethodToken: input.paymentMethodToken,
            customerId: input.paymentMethodToken ? undefined : input.customerId,
            options: { submitForSettlement },
          })) as unknown as TransactionResult;
          return asChargeOutcome(
            outcomeFromResult(result, (r) =>
              transactionSummary((r as TransactionResult).transaction as braintree.Transaction),
            ),
            false,
          );
        }),
      { kind: 'check', find: () => this.outcomeAfterAmbiguousSale(input.orderId, startedAt) },
    );
    if (outcome.outcome === 'gateway_rejected' && outcome.reason === 'duplicate') {
      const earlier = await this.searchWithinLag(
        () => this.policy.read('transaction.search', () => this.searchRaw(input.orderId)),
        (found) => chargeFrom(found, true),
      );
      if (earlier) return { outcome: 'approved', value: earlier };
    }
    return outcome;
  }

  /**
   * The policy's `check` after an ambiguous failure: did this sale happen? A successful sale for the orderId
   * (at any time) means the invoice is charged; otherwise a sale created since this call began tells its
   * outcome (e.g. declined). Nothing found → search again every `searchRetryMs` until `searchLagMs` has
   * passed, because the sale may be processed late or show up in search late; then undefined (re-send).
   */
  private outcomeAfterAmbiguousSale(
    orderId: string,
    startedAt: number,
  ): Promise<BraintreeOutcome<Charge> | undefined> {
    return this.searchWithinLag(
      () => this.searchRaw(orderId),
      (found) => {
        const charge = chargeFrom(found, true);
        if (charge) return { outcome: 'approved', value: charge };
        const recent = found.find(
          (t) => t.type === 'sale' && Date.parse(t.createdAt) >= startedAt - SAME_ATTEMPT_WINDOW_MS,
        );
        return recent ? asChargeOutcome(outcomeOfTransaction(recent), true) : undefined;
      },
    );
  }

  /** Runs `search` until `pick` finds something or `searchLagMs` has passed (at least one search). */
  private async searchWithinLag<R>(
    search: () => Promise<TransactionSummary[]>,
    pick: (found: TransactionSummary[]) => R | undefined,
  ): Promise<R | undefined> {
    const deadline = Date.now() + this.search.searchLagMs;
    for (;;) {
      const picked = pick(await search());
      if (picked !== undefined) return picked;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(this.search.searchRetryMs, left));
    }
  }

  private async findRaw(id: string): Promise<TransactionSummary | undefined> {
    try {
      return transactionSummary(await this.gateway.transaction.find(id));
    } catch (err) {
      if (classifyBraintreeError(err).kind === 'not_found') return undefined;
      throw braintreeUpstreamError(err, 'transaction.find');
    }
  }

  private searchRaw(orderId: string, since?: Date): Promise<TransactionSummary[]> {
    return this.streamSearch((s) => {
      s.orderId().is(orderId);
      if (since) s.createdAt().min(since);
    }, transactionSummary);
  }

  /** The SDK's two-step search (ids, then pages of transactions) streamed into an array, newest first. */
  private streamSearch<T extends TransactionSummary>(
    criteria: braintree.TransactionSearchFn,
    map: (t: braintree.Transaction) => T,
  ): Promise<T[]> {
    return sdkCall(
      'transaction.search',
      () =>
        new Promise<T[]>((resolve, reject) => {
          const found: T[] = [];
          const stream = this.gateway.transaction.search(criteria);
          stream.on('data', (t: braintree.Transaction) => found.push(map(t)));
          stream.on('error', reject);
          stream.on('end', () =>
            resolve(found.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))),
          );
        }),
    );
  }
}

function settlementSummary(t: braintree.Transaction): SettlementSummary {
  const s = t as unknown as SdkSettlementFields;
  const history: TransactionStatusEvent[] = (s.statusHistory ?? []).map((e) => ({
    status: e.status,
    timestamp: String(e.timestamp),
    amount: e.amount ?? null,
  }));
  const firstAt = (status: string) => history.find((e) => e.status === status)?.timestamp ?? null;
  return {
    ...transactionSummary(t),
    processorSettlementResponseCode: s.processorSettlementResponseCode || null,
    processorSettlementResponseText: s.processorSettlementResponseText || null,
    settlementBatchId: s.settlementBatchId || null,
    submittedForSettlementAt: firstAt('submitted_for_settlement'),
    settledAt: firstAt('settled'),
    statusHistory: history,
  };
}
