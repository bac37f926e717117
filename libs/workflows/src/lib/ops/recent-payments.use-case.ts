import { Injectable } from '@nestjs/common';
import { BraintreeTransactionsService } from '@aia/braintree';
import type { TransactionStatusName, TransactionSummary } from '@aia/braintree';
import type { OpsPayment, OpsPaymentsReport } from '@aia/contracts';
import { DomainError, ErrorCode } from '@aia/platform';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Days shown when no range is given (today included). */
export const DEFAULT_PAYMENT_DAYS = 14;
/** The widest range one request may ask for (one search; a quarter). */
export const MAX_PAYMENT_DAYS = 92;
/** Entries per list (successful, failed). */
export const MAX_LISTED_PAYMENTS = 50;

/** Sales that took (or will take) the money: Braintree's `Transaction.Status` values past authorization. */
export const SUCCEEDED_SALE_STATUSES: ReadonlySet<TransactionStatusName> = new Set([
  'authorized',
  'submitted_for_settlement',
  'settling',
  'settlement_pending',
  'settlement_confirmed',
  'settled',
]);
/** Sales that did not: declined by the processor, rejected by the gateway, failed, or declined at settlement. */
export const FAILED_SALE_STATUSES: ReadonlySet<TransactionStatusName> = new Set([
  'processor_declined',
  'gateway_rejected',
  'failed',
  'settlement_declined',
]);

export interface RecentPaymentsCommand {
  /** Inclusive `YYYY-MM-DD` (UTC) range of sale creation dates; default the last DEFAULT_PAYMENT_DAYS days. */
  from?: string;
  to?: string;
  /** For tests: what "today" is. */
  now?: Date;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const cents = (amount: string) => Math.round(Number(amount) * 100);

/**
 * The ops page's payments view: Braintree sales created in a date range (one search), split into successful
 * and failed ones (voided, authorizing and expired authorizations are in neither), and counted per day.
 * Amounts per day are summed per currency: BRAINTREE_MERCHANT_ACCOUNTS may map several currencies.
 */
@Injectable()
export class RecentPaymentsUseCase {
  constructor(private readonly transactions: BraintreeTransactionsService) {}

  async execute(command: RecentPaymentsCommand = {}): Promise<OpsPaymentsReport> {
    const { from, to } = paymentRange(command);
    const sales = await this.transactions.searchSales({
      createdSince: new Date(`${from}T00:00:00.000Z`),
      createdBefore: new Date(`${to}T23:59:59.999Z`),
    });
    const days = new Map<string, { succeeded: number; failed: number; cents: Map<string, number> }>();
    for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS)
      days.set(isoDay(t), { succeeded: 0, failed: 0, cents: new Map() });

    const payments: OpsPayment[] = [];
    const failed: OpsPayment[] = [];
    const newestFirst = [...sales]
      .filter((t) => t.type === 'sale')
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    for (const t of newestFirst) {
      const status = t.status as TransactionStatusName;
      const ok = SUCCEEDED_SALE_STATUSES.has(status);
      const bad = FAILED_SALE_STATUSES.has(status);
      if (!ok && !bad) continue;
      const payment = toPayment(t, bad);
      const day = days.get(payment.createdAt.slice(0, 10));
      if (ok) {
        if (payments.length < MAX_LISTED_PAYMENTS) payments.push(payment);
        if (day) {
          day.succeeded++;
          day.cents.set(t.currencyIsoCode, (day.cents.get(t.currencyIsoCode) ?? 0) + cents(t.amount));
        }
      } else {
        if (failed.length < MAX_LISTED_PAYMENTS) failed.push(payment);
        if (day) day.failed++;
      }
    }
    return {
      from,
      to,
      payments,
      failed,
      perDay: [...days].map(([date, d]) => ({
        date,
        succeeded: d.succeeded,
        failed: d.failed,
        amounts: Object.fromEntries([...d.cents].map(([currency, c]) => [currency, (c / 100).toFixed(2)])),
      })),
    };
  }
}

function toPayment(t: TransactionSummary, failed: boolean): OpsPayment {
  const response = !failed
    ? undefined
    : t.processorResponseCode
      ? { code: t.processorResponseCode, text: t.processorResponseText ?? '' }
      : t.gatewayRejectionReason
        ? { code: 'gateway_rejected', text: t.gatewayRejectionReason }
        : undefined;
  return {
    transactionId: t.id,
    ...(t.orderId ? { invoiceId: t.orderId } : {}),
    amount: t.amount,
    currency: t.currencyIsoCode,
    status: t.status,
    createdAt: new Date(Date.parse(t.createdAt)).toISOString(),
    ...(t.customerId ? { braintreeCustomerId: t.customerId } : {}),
    ...(response ? { processorResponse: response } : {}),
  };
}

/** The inclusive day range asked for, checked: real dates, from ≤ to, at most MAX_PAYMENT_DAYS days. */
export function paymentRange(command: RecentPaymentsCommand): { from: string; to: string } {
  const bad = (message: string) =>
    new DomainError(ErrorCode.ValidationFailed, message, { from: command.from, to: command.to });
  const valid = (d: string) => DAY.test(d) && !Number.isNaN(Date.parse(d)) && isoDay(Date.parse(d)) === d;
  if (command.from !== undefined && !valid(command.from)) throw bad('from must be a date as YYYY-MM-DD');
  if (command.to !== undefined && !valid(command.to)) throw bad('to must be a date as YYYY-MM-DD');
  const today = isoDay((command.now ?? new Date()).getTime());
  const to =
    command.to ??
    (command.from !== undefined
      ? isoDay(Math.min(Date.parse(command.from) + (DEFAULT_PAYMENT_DAYS - 1) * DAY_MS, Date.parse(today)))
      : today);
  const from = command.from ?? isoDay(Date.parse(to) - (DEFAULT_PAYMENT_DAYS - 1) * DAY_MS);
  if (from > to) throw bad('from must not be after to');
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > MAX_PAYMENT_DAYS)
    throw bad(`the range may span at most ${MAX_PAYMENT_DAYS} days (asked: ${days})`);
  return { from, to };
}
