import { Injectable, Logger } from '@nestjs/common';
import { BraintreeTransactionsService, isSuccessfulCharge } from '@aia/braintree';
import type { TransactionSummary } from '@aia/braintree';
import { AlertService } from '@aia/events';
import { DomainError, ErrorCode } from '@aia/platform';
import { ZohoInvoicesService, ZohoPaymentsService } from '@aia/zoho';
import type { ZohoInvoice } from '@aia/zoho';
import { CUSTOMER_ATTRIBUTE, PaymentStatus } from '../customer-record/customer-attributes';
import type { CustomerRecord } from '../customer-record/customer-record';
import { CustomerRecordsService } from '../customer-record/customer-records.service';
import { OUR_PAYMENT_DESCRIPTION } from '../payments/invoice-payment.use-case';
import { HEALABLE, isHealTarget, MISMATCH_CLASSES } from './reconciliation.types';
import type {
  HealTarget,
  MismatchClass,
  ReconciliationCommand,
  ReconciliationItem,
  ReconciliationReport,
} from './reconciliation.types';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Sales for an invoice may come days after its date (recovery retries): search this far past `to`. */
const SALES_AFTER_RANGE_MS = 60 * 86_400_000;

const dateOf = (i: ZohoInvoice) => i.invoice_date ?? (i as { date?: string }).date ?? '';
const numberOf = (i: ZohoInvoice) => i.invoice_number ?? i.number ?? i.invoice_id;

/**
 * Proves that Zoho, Braintree and Attio agree for the invoices dated in a range, or says where not: for each
 * invoice the successful Braintree sales with its id as orderId, the payments on it in Zoho, and for each
 * customer the status Attio shows. Reads: the invoice list (Zoho documents no date filter, so it is read in
 * full and filtered here), one transaction search, one invoice read per invoice with money on it, one Attio
 * query per customer. Heals only the safe classes (records a missing payment, rewrites a stale Attio status).
 */
@Injectable()
export class ReconciliationUseCase {
  private readonly logger = new Logger(ReconciliationUseCase.name);

  constructor(
    private readonly invoices: ZohoInvoicesService,
    private readonly payments: ZohoPaymentsService,
    private readonly transactions: BraintreeTransactionsService,
    private readonly records: CustomerRecordsService,
    private readonly alerts: AlertService,
  ) {}

  async execute(command: ReconciliationCommand): Promise<ReconciliationReport> {
    const { from, to } = validateRange(command.from, command.to);
    const target = command.heal ? command.only : undefined;
    // Heal everything healable, or only the one mismatch named.
    const healing = (item: Omit<ReconciliationItem, 'healable'>) =>
      !!command.heal && (!target || isHealTarget(target, item));
    const inRange = (await this.invoices.list({ status: 'All' }))
      .filter((i) => dateOf(i) >= from && dateOf(i) <= to && i.status !== 'draft')
      .sort((a, b) => dateOf(a).localeCompare(dateOf(b)));
    const sales = await this.salesByOrder(from, to);
    const records = new Map<string, CustomerRecord | undefined>();
    const latest = new Map<string, { invoice: ZohoInvoice; paid: boolean; failed: boolean }>();
    const items: ReconciliationItem[] = [];
    const counts = Object.fromEntries(MISMATCH_CLASSES.map((c) => [c, 0])) as Record<MismatchClass, number>;
    const add = (item: Omit<ReconciliationItem, 'healable'>) => {
      counts[item.class]++;
      if (item.class !== 'ok') items.push({ ...item, healable: HEALABLE.has(item.class) });
    };

    for (const [index, listed] of inRange.entries()) {
      command.onProgress?.(index, inRange.length);
      const customerId = listed.customer_id;
      if (!records.has(customerId))
        records.set(customerId, await this.records.findByZohoCustomerId(customerId));
      const record = records.get(customerId);
      const charged = (sales.get(listed.invoice_id) ?? []).filter(isSuccessfulCharge);
      const all = sales.get(listed.invoice_id) ?? [];
      const moneyOnIt = (listed.payment_made ?? 0) > 0 || listed.balance < listed.total || charged.length > 0;
      const invoice = moneyOnIt ? await this.invoices.get(listed.invoice_id) : listed;
      const base = {
        invoiceId: invoice.invoice_id,
        invoiceNumber: numberOf(invoice),
        zohoCustomerId: customerId,
        recordId: record?.recordId,
      };
      const recorded = (invoice.payments ?? []).map((p) => p.reference_number ?? '');
      const cardPayments = (invoice.payments ?? []).filter(
        (p) => p.payment_mode === 'creditcard' || (p.description ?? '').startsWith(OUR_PAYMENT_DESCRIPTION),
      );
      const chargedIds = new Set(charged.map((t) => t.id));
      let problem = false;
      let paidByHeal = false;

      if (charged.length > 1) {
        problem = true;
        add({
          ...base,
          class: 'charged_twice',
          transactionIds: charged.map((t) => t.id),
          detail: `${charged.length} successful sales (${charged.map((t) => `${t.id} ${t.amount}`).join(', ')})`,
        });
        this.alerts.notify(
          `reconcile-twice:${invoice.invoice_id}`,
          `:rotating_light: Reconciliation: invoice ${numberOf(invoice)} was charged ${charged.length} times in Braintree (${[...chargedIds].join(', ')}). Refund by hand.`,
        );
      }
      const unrecorded = charged.filter((t) => !recorded.includes(t.id));
      if (unrecorded.length && charged.length === 1) {
        problem = true;
        const t = unrecorded[0];
        const item: Omit<ReconciliationItem, 'healable'> = {
          ...base,
          class: 'charged_not_recorded',
          transactionIds: [t.id],
          detail: `Braintree ${t.id} took ${t.amount} ${t.currencyIsoCode}; Zoho has no payment with that reference`,
        };
        if (healing(item)) Object.assign(item, await this.heal(() => this.recordPayment(invoice, t)));
        paidByHeal = !!item.healed && Number(t.amount) >= invoice.balance;
        add(item);
      }
      for (const p of cardPayments.filter((p) => !chargedIds.has(p.reference_number ?? ''))) {
        problem = true;
        add({
          ...base,
          class: 'recorded_without_charge',
          detail: `Zoho payment ${p.payment_id} (${p.amount}, reference ${p.reference_number || 'none'}) has no successful Braintree sale behind it`,
        });
      }
      const open = invoice.status !== 'paid' && invoice.status !== 'void' && invoice.balance > 0;
      if (open && invoice.status === 'overdue' && !unrecorded.length) {
        problem = true;
        add({
          ...base,
          class: 'unpaid_past_due',
          detail: `${invoice.balance} ${invoice.currency_code} due since ${invoice.due_date ?? 'unknown'}${all.length ? ` (${all.length} failed attempt(s))` : ''}`,
        });
      }
      if (!problem) add({ ...base, class: 'ok', detail: 'agrees' });
      // A payment healed just now makes the invoice paid, so Attio is checked (and healed) against that.
      latest.set(customerId, {
        invoice,
        paid: invoice.status === 'paid' || paidByHeal,
        failed: open && !paidByHeal && all.some((t) => !isSuccessfulCharge(t)),
      });
    }
    command.onProgress?.(inRange.length, inRange.length);

    for (const [customerId, last] of latest) {
      const record = records.get(customerId);
      if (!record) continue;
      const expected = last.paid ? PaymentStatus.Paid : last.failed ? PaymentStatus.Failed : undefined;
      // A dispute or refund after the payment is news Attio has and this check cannot see: leave it.
      const laterNews =
        record.lastPaymentStatus === PaymentStatus.Disputed ||
        record.lastPaymentStatus === PaymentStatus.Refunded;
      if (
        !expected ||
        laterNews ||
        (record.lastPaymentStatus === expected &&
          (!last.paid || record.lastInvoiceNumber === numberOf(last.invoice)))
      )
        continue;
      const item: Omit<ReconciliationItem, 'healable'> = {
        class: 'attio_stale',
        invoiceId: last.invoice.invoice_id,
        invoiceNumber: numberOf(last.invoice),
        zohoCustomerId: customerId,
        recordId: record.recordId,
        detail: `Attio shows ${record.lastPaymentStatus ?? 'nothing'}${record.lastInvoiceNumber ? ` (${record.lastInvoiceNumber})` : ''}; the latest invoice ${numberOf(last.invoice)} is ${expected}`,
      };
      if (healing(item)) {
        Object.assign(
          item,
          await this.heal(() =>
            this.records.update(record.recordId, {
              [CUSTOMER_ATTRIBUTE.lastPaymentStatus]: expected,
              [CUSTOMER_ATTRIBUTE.lastInvoiceNumber]: numberOf(last.invoice),
            }),
          ),
        );
      }
      add(item);
    }

    if (target) refuseUnhealableTarget(target, items, from, to);
    const unhealed = items.filter((i) => !i.healed).length;
    this.logger.log(
      `reconciliation ${from}..${to}: ${inRange.length} invoice(s), ${items.length} mismatch(es), ${unhealed} left`,
    );
    return {
      from,
      to,
      generatedAt: new Date().toISOString(),
      healed: !!command.heal,
      invoices: inRange.length,
      counts,
      items,
      unhealed,
    };
  }

  private async salesByOrder(from: string, to: string): Promise<Map<string, TransactionSummary[]>> {
    const createdSince = new Date(`${from}T00:00:00Z`);
    const createdBefore = new Date(
      Math.min(Date.parse(`${to}T23:59:59Z`) + SALES_AFTER_RANGE_MS, Date.now() + 86_400_000),
    );
    const byOrder = new Map<string, TransactionSummary[]>();
    for (const t of await this.transactions.searchRecent({ createdSince, createdBefore })) {
      if (!t.orderId || t.type !== 'sale') continue;
      byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
    }
    return byOrder;
  }

  private async recordPayment(invoice: ZohoInvoice, t: TransactionSummary): Promise<void> {
    // Read again right before writing: the report may be minutes old (an operator clicking Heal), and the
    // invoice's payment job, or another operator, may have recorded this sale since. Zoho itself refuses a
    // second payment beyond the balance, which closes what is left of the window.
    if (await this.payments.findByReference(invoice.invoice_id, t.id)) return;
    const amount = Math.min(Number(t.amount), invoice.balance);
    if (!(amount > 0))
      throw new Error(`invoice ${numberOf(invoice)} has no balance left to apply ${t.amount} to`);
    await this.payments.create({
      customerId: invoice.customer_id,
      amount,
      paymentMode: 'creditcard',
      referenceNumber: t.id,
      invoices: [{ invoiceId: invoice.invoice_id, amountApplied: amount }],
      description: `${OUR_PAYMENT_DESCRIPTION}${t.id} (recorded by reconciliation)`,
    });
  }

  private async heal(fix: () => Promise<unknown>): Promise<{ healed: boolean; healError?: string }> {
    try {
      await fix();
      return { healed: true };
    } catch (err) {
      return { healed: false, healError: err instanceof Error ? err.message : String(err) };
    }
  }
}

/**
 * A targeted heal whose mismatch is not in the report, or is not one reconciliation may heal, is a conflict
 * (the operator's view is out of date, or the item needs a person). Nothing was healed in either case: only
 * healable classes are ever healed.
 */
function refuseUnhealableTarget(
  target: HealTarget,
  items: ReconciliationItem[],
  from: string,
  to: string,
): void {
  const named =
    target.invoiceId !== undefined ? `invoice ${target.invoiceId}` : `customer ${target.zohoCustomerId}`;
  const matched = items.filter((i) => isHealTarget(target, i));
  if (!matched.length) {
    const what = target.invoiceId !== undefined ? 'no mismatch' : 'no attio_stale mismatch';
    throw new DomainError(ErrorCode.Conflict, `Reconciliation ${from}..${to} finds ${what} for ${named}`, {
      ...target,
      from,
      to,
    });
  }
  if (!matched.some((i) => i.healable)) {
    throw new DomainError(
      ErrorCode.Conflict,
      `The mismatch for ${named} (${matched.map((i) => i.class).join(', ')}) is not healable: it needs a person`,
      { ...target, classes: matched.map((i) => i.class) },
    );
  }
}

function validateRange(from: string, to: string): { from: string; to: string } {
  const bad = (what: string) => new DomainError(ErrorCode.ValidationFailed, what, { from, to });
  if (!DAY.test(from ?? '') || Number.isNaN(Date.parse(from))) throw bad('from must be a date as YYYY-MM-DD');
  if (!DAY.test(to ?? '') || Number.isNaN(Date.parse(to))) throw bad('to must be a date as YYYY-MM-DD');
  if (from > to) throw bad('from must not be after to');
  return { from, to };
}
