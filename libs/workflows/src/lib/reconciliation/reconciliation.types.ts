/**
 * What reconciliation can find about one invoice (or one customer, for `attio_stale`). Healable classes are
 * fixed by `--heal`; the others need a person (an extra charge is never refunded automatically).
 */
export type MismatchClass =
  | 'ok'
  | 'charged_not_recorded'
  | 'recorded_without_charge'
  | 'charged_twice'
  | 'unpaid_past_due'
  | 'attio_stale';

export const HEALABLE: ReadonlySet<MismatchClass> = new Set(['charged_not_recorded', 'attio_stale']);

export const MISMATCH_CLASSES: readonly MismatchClass[] = [
  'ok',
  'charged_not_recorded',
  'recorded_without_charge',
  'charged_twice',
  'unpaid_past_due',
  'attio_stale',
];

export interface ReconciliationItem {
  class: MismatchClass;
  invoiceId?: string;
  invoiceNumber?: string;
  zohoCustomerId: string;
  recordId?: string;
  /** What was found, in words a finance person reads. */
  detail: string;
  transactionIds?: string[];
  healable: boolean;
  /** Set when --heal fixed it in this run. */
  healed?: boolean;
  /** Set when healing was tried and failed. */
  healError?: string;
}

export interface ReconciliationReport {
  from: string;
  to: string;
  generatedAt: string;
  healed: boolean;
  invoices: number;
  counts: Record<MismatchClass, number>;
  /** Mismatches (everything but `ok`), oldest invoice first. */
  items: ReconciliationItem[];
  /** Mismatches left after this run (healed ones excluded): the CLI exits non-zero when this is not 0. */
  unhealed: number;
}

export interface ReconciliationCommand {
  /** Inclusive `YYYY-MM-DD` range of invoice dates. */
  from: string;
  to: string;
  heal?: boolean;
  /** Progress for long ranges (the CLI prints it on stderr). */
  onProgress?: (done: number, total: number) => void;
}
