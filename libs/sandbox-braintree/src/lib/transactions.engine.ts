import { CardRecord, DisputeRecord, StatusEvent, TransactionRecord } from './braintree-state';
import {
  bool,
  DuplicateChecking,
  EngineContext,
  fieldError,
  GatewayReply,
  invalid,
  Json,
  obj,
  ok,
  randomId,
  resolveNonce,
  str,
  uniqueNumberIdentifier,
} from './engine-context';
import { APPROVED, declineResponse, NETWORK_UNAVAILABLE, ProcessorResponse } from './processor-responses';
import { apiErrorResponse, disputeXml, FieldError, transactionXml } from './serializers';
import { matchesSearch, SearchCriteria } from './transaction-search';
import { CardOutcome, CardProfile, outcomeForAmount, settlementDeclinedForAmount } from './test-values';
import { XmlArray, XmlCollection, XmlObject } from './xml.writer';

/** Gateway duplicate checking window (on by default, ~30 s) — PLATFORMS.md §5, duplicate-checking article. */
export const DUPLICATE_WINDOW_MS = 30_000;

export const DEFAULT_DUPLICATE_CHECKING: DuplicateChecking = { enabled: true, windowMs: DUPLICATE_WINDOW_MS };

/** Per-sale options the routes pass in (emulator faults). */
export interface SaleOptions {
  /** The new transaction stays out of search results for this long (sandbox clock). */
  searchLagMs?: number;
}
const SEARCH_PAGE_SIZE = 50;
const SUCCESSFUL = new Set([
  'authorized',
  'submitted_for_settlement',
  'settling',
  'settled',
  'settlement_pending',
]);
const AMOUNT_PATTERN = /^\d{1,8}(\.\d{1,2})?$/;

type SaleOutcome =
  | { kind: 'approve' }
  | { kind: 'decline'; response: ProcessorResponse }
  | { kind: 'fail' }
  | { kind: 'gateway_rejected'; reason: string };

function toCents(amount: string): number {
  const [whole, frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function validateAmount(raw: unknown, attribute = 'amount'): FieldError[] {
  const amount = str(raw);
  if (amount === undefined || amount === '') return [fieldError('81502', attribute, 'Amount is required.')];
  if (/^-/.test(amount)) return [fieldError('81501', attribute, 'Amount cannot be negative.')];
  if (!AMOUNT_PATTERN.test(amount)) {
    return /^\d{9,}(\.\d{1,2})?$/.test(amount)
      ? [fieldError('81528', attribute, 'Amount is too large.')]
      : [fieldError('81503', attribute, 'Amount is an invalid format.')];
  }
  if (toCents(amount) === 0) return [fieldError('81531', attribute, 'Amount must be greater than zero.')];
  return [];
}

export class TransactionsEngine {
  constructor(private readonly ctx: EngineContext) {}

  private txXml(t: TransactionRecord): XmlObject {
    const customer = t.customerId ? this.ctx.state.customers.get(t.customerId) : undefined;
    const disputes = t.disputeIds
      .map((id) => this.ctx.state.disputes.get(id))
      .filter((d): d is DisputeRecord => d !== undefined);
    return transactionXml(t, customer, disputes);
  }

  private reply(t: TransactionRecord, status = 200): GatewayReply {
    return ok('transaction', this.txXml(t), status);
  }

  private setStatus(t: TransactionRecord, status: string, atMs: number): void {
    const iso = new Date(atMs).toISOString();
    t.status = status;
    t.statusChangedAtMs = atMs;
    t.updatedAt = iso;
    const event: StatusEvent = { timestamp: iso, status, amount: t.amount, transactionSource: 'api' };
    t.statusHistory.push(event);
  }

  private decide(profile: CardProfile, cents: number, duplicate: boolean): SaleOutcome {
    const card: CardOutcome = profile.outcome;
    if (card.kind === 'gateway_rejected') return { kind: 'gateway_rejected', reason: card.reason };
    if (duplicate) return { kind: 'gateway_rejected', reason: 'duplicate' };
    const byAmount = outcomeForAmount(cents);
    if (byAmount.kind === 'application_incomplete') {
      return { kind: 'gateway_rejected', reason: 'application_incomplete' };
    }
    // Braintree documents these nonces/cards as declining verifications; the emulator also declines sales
    // with them so a vaulted "bad card" can be charged in tests (docs/sandbox/braintree.md).
    if (card.kind === 'decline') return { kind: 'decline', response: declineResponse(card.code) };
    if (card.kind === 'fail') return { kind: 'fail' };
    if (byAmount.kind === 'decline') return { kind: 'decline', response: declineResponse(byAmount.code) };
    if (byAmount.kind === 'fail') return { kind: 'fail' };
    return { kind: 'approve' };
  }

  sale(body: Json, saleOptions: SaleOptions = {}): GatewayReply {
    this.progress();
    const t = obj(body['transaction']);
    const options = obj(t['options']);
    const amount = str(t['amount']);
    const orderId = str(t['order_id']);
    const merchantAccountId = str(t['merchant_account_id']) ?? this.ctx.defaultMerchantAccountId;
    const errors: FieldError[] = validateAmount(t['amount']);
    const cardErrors: FieldError[] = [];
    if (!(merchantAccountId in this.ctx.merchantAccounts)) {
      errors.push(fieldError('91513', 'merchant_account_id', 'Merchant account ID is invalid.'));
    }
    if (orderId !== undefined && orderId.length > 255) {
      errors.push(fieldError('91501', 'order_id', 'Order ID is too long.'));
    }
    const nonce = str(t['payment_method_nonce']);
    const token = str(t['payment_method_token']);
    const customerIdParam = str(t['customer_id']);
    let profile: CardProfile | undefined;
    let expiry = { month: '', year: '' };
    let vaulted: CardRecord | undefined;
    let consume = () => undefined as void;
    if (nonce !== undefined) {
      const res = resolveNonce(this.ctx, nonce);
      if ('problem' in res) {
        if (res.problem === 'unknown')
          errors.push(fieldError('91565', 'payment_method_nonce', 'Unknown payment_method_nonce.'));
        else if (res.problem === 'consumed') {
          errors.push(
            fieldError('91564', 'payment_method_nonce', 'Cannot use a payment_method_nonce more than once.'),
          );
        } else cardErrors.push(fieldError('81715', 'number', 'Credit card number is invalid.'));
      } else {
        profile = res.profile;
        expiry = { month: res.expirationMonth, year: res.expirationYear };
        consume = res.consume;
      }
    } else if (token !== undefined) {
      vaulted = this.ctx.state.cards.get(token);
      if (!vaulted)
        errors.push(fieldError('91518', 'payment_method_token', 'Payment method token is invalid.'));
      else if (customerIdParam !== undefined && vaulted.customerId !== customerIdParam) {
        errors.push(
          fieldError('91516', 'payment_method_token', 'Payment method does not belong to this customer.'),
        );
      }
    } else if (customerIdParam !== undefined) {
      if (!this.ctx.state.customers.has(customerIdParam)) {
        errors.push(fieldError('91510', 'customer_id', 'Customer ID is invalid.'));
      } else {
        vaulted = this.ctx.state.defaultCardOf(customerIdParam);
        if (!vaulted)
          errors.push(fieldError('91511', 'customer_id', 'Customer specified does not have a credit card.'));
      }
    } else {
      errors.push(fieldError('91508', 'base', 'Cannot determine payment method.'));
    }
    if (vaulted) {
      profile = vaulted.profile;
      expiry = { month: vaulted.expirationMonth, year: vaulted.expirationYear };
    }
    const params: XmlObject = {
      transaction: {
        type: str(t['type']) ?? 'sale',
        amount: amount ?? null,
        'order-id': orderId ?? null,
        'merchant-account-id': merchantAccountId,
      },
    };
    const groups = [
      ...(errors.length ? [{ path: ['transaction'], errors }] : []),
      ...(cardErrors.length ? [{ path: ['transaction', 'credit-card'], errors: cardErrors }] : []),
    ];
    if (groups.length || !profile || amount === undefined) return invalid(groups, params);

    const nowMs = this.ctx.clock.now().getTime();
    const cents = toCents(amount);
    const uid = uniqueNumberIdentifier(profile.number);
    const dup = this.ctx.duplicateChecking;
    const duplicate =
      dup.enabled &&
      [...this.ctx.state.transactions.values()].some(
        (p) =>
          p.type === 'sale' &&
          SUCCESSFUL.has(p.status) &&
          p.amountCents === cents &&
          p.card.uniqueNumberIdentifier === uid &&
          p.orderId === (orderId ?? null) &&
          p.merchantAccountId === merchantAccountId &&
          nowMs - Date.parse(p.createdAt) < dup.windowMs,
      );
    const outcome = this.decide(profile, cents, duplicate);
    const iso = new Date(nowMs).toISOString();
    const response =
      outcome.kind === 'approve'
        ? APPROVED
        : outcome.kind === 'decline'
          ? outcome.response
          : outcome.kind === 'fail'
            ? NETWORK_UNAVAILABLE
            : { code: '', text: 'Unknown ()', type: 'soft_declined' as const };
    const tx: TransactionRecord = {
      id: randomId(8),
      type: 'sale',
      status: '',
      amount: formatCents(cents),
      amountCents: cents,
      currencyIsoCode: this.ctx.merchantAccounts[merchantAccountId],
      merchantAccountId,
      orderId: orderId ?? null,
      customerId: vaulted?.customerId ?? customerIdParam ?? null,
      paymentMethodToken: vaulted?.token ?? null,
      card: {
        profile,
        expirationMonth: expiry.month,
        expirationYear: expiry.year,
        uniqueNumberIdentifier: uid,
      },
      processorResponseCode: response.code,
      processorResponseText: response.text,
      processorResponseType: response.type,
      processorSettlementResponseCode: null,
      processorSettlementResponseText: null,
      gatewayRejectionReason: outcome.kind === 'gateway_rejected' ? outcome.reason : null,
      refundedTransactionId: null,
      refundIds: [],
      disputeIds: [],
      statusHistory: [],
      statusChangedAtMs: nowMs,
      createdAt: iso,
      updatedAt: iso,
      ...(saleOptions.searchLagMs ? { searchVisibleAtMs: nowMs + saleOptions.searchLagMs } : {}),
    };
    if (outcome.kind === 'approve') {
      consume();
      this.setStatus(tx, 'authorized', nowMs);
      if (bool(options['submit_for_settlement'])) {
        this.setStatus(tx, 'submitted_for_settlement', nowMs);
        this.ctx.state.settling.add(tx.id);
      }
    } else {
      const status =
        outcome.kind === 'decline'
          ? 'processor_declined'
          : outcome.kind === 'fail'
            ? 'failed'
            : 'gateway_rejected';
      this.setStatus(tx, status, nowMs);
    }
    this.ctx.state.transactions.set(tx.id, tx);
    this.ctx.changed();
    if (outcome.kind === 'approve') {
      if (profile.outcome.kind === 'chargeback') this.openDispute(tx.id, {});
      return this.reply(tx, 201);
    }
    const message =
      outcome.kind === 'gateway_rejected' ? `Gateway Rejected: ${outcome.reason}` : response.text;
    return ok('api-error-response', apiErrorResponse({ message, params, transaction: this.txXml(tx) }), 422);
  }

  find(id: string): GatewayReply {
    this.progress();
    const t = this.ctx.state.transactions.get(id);
    return t ? this.reply(t) : { kind: 'not_found' };
  }

  void(id: string): GatewayReply {
    this.progress();
    const t = this.ctx.state.transactions.get(id);
    if (!t) return { kind: 'not_found' };
    if (!['authorized', 'submitted_for_settlement', 'settlement_pending'].includes(t.status)) {
      return invalid([
        {
          path: ['transaction'],
          errors: [
            fieldError(
              '91504',
              'base',
              'Transaction can only be voided if status is authorized, submitted_for_settlement, or - for PayPal - settlement_pending.',
            ),
          ],
        },
      ]);
    }
    this.setStatus(t, 'voided', this.ctx.clock.now().getTime());
    this.ctx.state.settling.delete(t.id);
    this.ctx.changed();
    return this.reply(t);
  }

  refund(id: string, body: Json): GatewayReply {
    this.progress();
    const original = this.ctx.state.transactions.get(id);
    if (!original) return { kind: 'not_found' };
    const t = obj(body['transaction']);
    const fail = (code: string, attribute: string, message: string) =>
      invalid([{ path: ['transaction'], errors: [fieldError(code, attribute, message)] }]);
    if (original.type === 'credit') return fail('91505', 'base', 'Cannot refund credit');
    if (!['settled', 'settling'].includes(original.status)) {
      return fail('91506', 'base', 'Cannot refund transaction unless it is settled.');
    }
    const refunded = original.refundIds
      .map((rid) => this.ctx.state.transactions.get(rid))
      .filter(
        (r): r is TransactionRecord => !!r && !['voided', 'failed', 'processor_declined'].includes(r.status),
      )
      .reduce((sum, r) => sum + r.amountCents, 0);
    const remaining = original.amountCents - refunded;
    if (remaining <= 0) return fail('91512', 'base', 'Transaction has already been fully refunded.');
    let cents = remaining;
    if (t['amount'] !== undefined) {
      const errs = validateAmount(t['amount']);
      if (errs.length) return invalid([{ path: ['transaction'], errors: errs }]);
      cents = toCents(str(t['amount']) as string);
      if (cents > remaining) return fail('91521', 'amount', 'Refund amount is too large.');
    }
    const nowMs = this.ctx.clock.now().getTime();
    const iso = new Date(nowMs).toISOString();
    const credit: TransactionRecord = {
      ...original,
      id: randomId(8),
      type: 'credit',
      status: '',
      amount: formatCents(cents),
      amountCents: cents,
      orderId: str(t['order_id']) ?? original.orderId,
      processorResponseCode: '1002',
      processorResponseText: 'Processed',
      processorResponseType: 'approved',
      processorSettlementResponseCode: null,
      processorSettlementResponseText: null,
      gatewayRejectionReason: null,
      refundedTransactionId: original.id,
      searchVisibleAtMs: undefined,
      refundIds: [],
      disputeIds: [],
      statusHistory: [],
      statusChangedAtMs: nowMs,
      createdAt: iso,
      updatedAt: iso,
    };
    this.setStatus(credit, 'submitted_for_settlement', nowMs);
    this.ctx.state.transactions.set(credit.id, credit);
    this.ctx.state.settling.add(credit.id);
    original.refundIds.push(credit.id);
    original.updatedAt = iso;
    this.ctx.changed();
    return this.reply(credit, 201);
  }

  /**
   * What search can see: every transaction except those still inside their injected search lag (a search
   * index that trails the gateway; `transaction.find` is never lagged).
   */
  private searchable(criteria: SearchCriteria): TransactionRecord[] {
    const nowMs = this.ctx.clock.now().getTime();
    return [...this.ctx.state.transactions.values()].filter(
      (t) => (t.searchVisibleAtMs ?? 0) <= nowMs && matchesSearch(t, criteria),
    );
  }

  searchIds(body: Json): GatewayReply {
    this.progress();
    const criteria = obj(body['search']) as SearchCriteria;
    const ids = this.searchable(criteria)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((t) => t.id);
    return ok('search-results', { 'page-size': SEARCH_PAGE_SIZE, ids: new XmlArray('item', ids) });
  }

  search(body: Json): GatewayReply {
    this.progress();
    const criteria = obj(body['search']) as SearchCriteria;
    const found = this.searchable(criteria);
    return ok(
      'credit-card-transactions',
      new XmlCollection([
        ['current-page-number', 1],
        ['page-size', SEARCH_PAGE_SIZE],
        ['total-items', found.length],
        ...found.map((t): [string, XmlObject] => ['transaction', this.txXml(t)]),
      ]),
    );
  }

  /** `transaction.submitForSettlement(id, amount?)`: captures an authorized sale (fully or a smaller amount). */
  submitForSettlement(id: string, body: Json): GatewayReply {
    this.progress();
    const t = this.ctx.state.transactions.get(id);
    if (!t) return { kind: 'not_found' };
    const fail = (code: string, attribute: string, message: string) =>
      invalid([{ path: ['transaction'], errors: [fieldError(code, attribute, message)] }]);
    if (t.status !== 'authorized') {
      return fail('91507', 'base', 'Cannot submit for settlement unless status is authorized.');
    }
    const amount = obj(body['transaction'])['amount'];
    if (amount !== undefined && amount !== null) {
      const errs = validateAmount(amount);
      if (errs.length) return invalid([{ path: ['transaction'], errors: errs }]);
      const cents = toCents(str(amount) as string);
      if (cents > t.amountCents) return fail('91522', 'amount', 'Settlement amount is too large.');
      t.amountCents = cents;
      t.amount = formatCents(cents);
    }
    this.setStatus(t, 'submitted_for_settlement', this.ctx.clock.now().getTime());
    this.ctx.state.settling.add(t.id);
    this.ctx.changed();
    return this.reply(t);
  }

  /** `gateway.testing.settle|settlementConfirm|settlementDecline|settlementPending` (sandbox-only calls). */
  testingSettlement(id: string, operation: string, body: Json = {}): GatewayReply {
    if (operation === 'submit_for_settlement') return this.submitForSettlement(id, body);
    this.progress();
    const t = this.ctx.state.transactions.get(id);
    if (!t) return { kind: 'not_found' };
    const target: Record<string, string> = {
      settle: 'settled',
      settlement_confirm: 'settlement_confirmed',
      settlement_decline: 'settlement_declined',
      settlement_pending: 'settlement_pending',
    };
    if (
      !target[operation] ||
      !['submitted_for_settlement', 'settling', 'settlement_pending'].includes(t.status)
    ) {
      return invalid([
        {
          path: ['transaction'],
          errors: [fieldError('91575', 'base', 'Cannot simulate transaction settlement.')],
        },
      ]);
    }
    this.finishSettlement(t, target[operation], this.ctx.clock.now().getTime());
    this.ctx.changed();
    return this.reply(t);
  }

  private finishSettlement(t: TransactionRecord, status: string, atMs: number): void {
    if (status === 'settled' && t.status === 'submitted_for_settlement') this.setStatus(t, 'settling', atMs);
    this.setStatus(t, status, atMs);
    if (status !== 'settlement_pending') this.ctx.state.settling.delete(t.id);
    if (status === 'settlement_declined') {
      t.processorSettlementResponseCode =
        t.amountCents >= 400000 ? String(Math.floor(t.amountCents / 100)) : '4001';
      t.processorSettlementResponseText = 'Settlement Declined';
    }
    // No webhook: `transaction_settled` / `transaction_settlement_declined` are sent only for ACH and SEPA
    // Direct Debit transactions, never cards (https://developer.paypal.com/braintree/docs/reference/general/webhooks/transaction),
    // and every emulated transaction is a card transaction — card settlement is polled (find/search).
  }

  /**
   * Moves transactions along submitted_for_settlement → settling → settled (or settlement_declined for the
   * documented amounts), one `settlementDelayMs` per step, by the sandbox clock. Runs on every clock advance
   * and lazily before each answer, so real time passing settles too.
   */
  progress(nowMs = this.ctx.clock.now().getTime()): void {
    if (this.ctx.state.settling.size === 0) return;
    const delay = this.ctx.settlementDelayMs;
    let changed = false;
    for (const id of [...this.ctx.state.settling]) {
      const t = this.ctx.state.transactions.get(id);
      if (!t) {
        this.ctx.state.settling.delete(id);
        continue;
      }
      if (t.status === 'submitted_for_settlement' && nowMs - t.statusChangedAtMs >= delay) {
        this.setStatus(t, 'settling', t.statusChangedAtMs + delay);
        changed = true;
      }
      if (t.status === 'settling' && nowMs - t.statusChangedAtMs >= delay) {
        const declined = t.type === 'sale' && settlementDeclinedForAmount(t.amountCents);
        this.finishSettlement(t, declined ? 'settlement_declined' : 'settled', t.statusChangedAtMs + delay);
        changed = true;
      }
    }
    if (changed) this.ctx.changed();
  }

  openDispute(
    transactionId: string,
    input: { amount?: string; reason?: string; kind?: string },
  ): DisputeRecord | { error: string } {
    const t = this.ctx.state.transactions.get(transactionId);
    if (!t) return { error: `transaction ${transactionId} not found` };
    if (input.amount !== undefined && validateAmount(input.amount).length)
      return { error: 'amount is invalid' };
    const now = this.ctx.clock.now();
    const day = now.toISOString().slice(0, 10);
    const d: DisputeRecord = {
      id: randomId(16),
      transactionId,
      amount: input.amount !== undefined ? formatCents(toCents(input.amount)) : t.amount,
      currencyIsoCode: t.currencyIsoCode,
      kind: input.kind ?? 'chargeback',
      reason: input.reason ?? 'fraud',
      status: 'open',
      receivedDate: day,
      replyByDate: new Date(now.getTime() + 20 * 86_400_000).toISOString().slice(0, 10),
      dateOpened: day,
      dateWon: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    this.ctx.state.disputes.set(d.id, d);
    t.disputeIds.push(d.id);
    this.ctx.changed();
    this.ctx.notifier.send(this.ctx.state.webhookUrl, 'dispute_opened', { dispute: disputeXml(d, t) }, now);
    return d;
  }

  resolveDispute(id: string, outcome: 'won' | 'lost' | 'accepted'): DisputeRecord | { error: string } {
    const d = this.ctx.state.disputes.get(id);
    if (!d) return { error: `dispute ${id} not found` };
    if (d.status !== 'open') return { error: `dispute ${id} is already ${d.status}` };
    const now = this.ctx.clock.now();
    d.status = outcome;
    d.updatedAt = now.toISOString();
    if (outcome === 'won') d.dateWon = now.toISOString().slice(0, 10);
    this.ctx.changed();
    const tx = this.ctx.state.transactions.get(d.transactionId);
    this.ctx.notifier.send(
      this.ctx.state.webhookUrl,
      `dispute_${outcome}`,
      { dispute: disputeXml(d, tx) },
      now,
    );
    return d;
  }

  findDispute(id: string): GatewayReply {
    const d = this.ctx.state.disputes.get(id);
    return d
      ? ok('dispute', disputeXml(d, this.ctx.state.transactions.get(d.transactionId)))
      : { kind: 'not_found' };
  }
}

export type { DuplicateChecking } from './engine-context';
