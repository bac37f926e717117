import type { OpsMismatchClass, OpsReconciliationItem, OpsReconciliationReport } from '@aia/contracts';

/**
 * What reconciliation can find about one invoice (or one customer, for `attio_stale`). Healable classes are
 * fixed by `--heal`; the others need a person (an extra charge is never refunded automatically). The shapes
 * are the ops page's contract (libs/contracts), which the admin API returns as they are.
 */
export type MismatchClass = OpsMismatchClass;

export const HEALABLE: ReadonlySet<MismatchClass> = new Set(['charged_not_recorded', 'attio_stale']);

export const MISMATCH_CLASSES: readonly MismatchClass[] = [
  'ok',
  'charged_not_recorded',
  'recorded_without_charge',
  'charged_twice',
  'unpaid_past_due',
  'attio_stale',
];

/** One mismatch; `healed` is set when --heal fixed it in this run, `healError` when healing failed. */
export type ReconciliationItem = OpsReconciliationItem;

/** Mismatches (everything but `ok`) oldest invoice first; `unhealed` non-zero makes the CLI exit 1. */
export type ReconciliationReport = OpsReconciliationReport;

export type HealTarget =
  { invoiceId: string; zohoCustomerId?: never } | { zohoCustomerId: string; invoiceId?: never };

/** Whether `item` is the mismatch a targeted heal names. */
export function isHealTarget(
  target: HealTarget,
  item: Pick<ReconciliationItem, 'class' | 'invoiceId' | 'zohoCustomerId'>,
): boolean {
  if (target.invoiceId !== undefined)
    return item.class !== 'attio_stale' && item.invoiceId === target.invoiceId;
  return item.class === 'attio_stale' && item.zohoCustomerId === target.zohoCustomerId;
}

export interface ReconciliationCommand {
  /** Inclusive `YYYY-MM-DD` range of invoice dates. */
  from: string;
  to: string;
  heal?: boolean;
  /**
   * With `heal`: heal only the mismatch named here — the invoice's own (`invoiceId`: charged_not_recorded) or
   * the customer's `attio_stale` (`zohoCustomerId`); give one of the two. The run then fails with a conflict
   * when that mismatch is not in the range or is not healable (nothing is changed).
   */
  only?: HealTarget;
  /** Progress for long ranges (the CLI prints it on stderr). */
  onProgress?: (done: number, total: number) => void;
}
