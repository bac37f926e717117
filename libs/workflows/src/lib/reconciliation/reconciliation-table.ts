import type { ReconciliationReport } from './reconciliation.types';

/** The report as a plain-text table for people (the CLI's default output). */
export function reconciliationTable(report: ReconciliationReport): string {
  const lines = [
    `Reconciliation ${report.from} .. ${report.to}: ${report.invoices} invoice(s)${report.healed ? ' (heal)' : ' (dry run)'}`,
    Object.entries(report.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(' | '),
  ];
  if (!report.items.length) return [...lines, 'Everything agrees.'].join('\n');
  const rows = report.items.map((i) => [
    i.class,
    i.invoiceNumber ?? '-',
    i.zohoCustomerId,
    i.healed
      ? 'healed'
      : i.healError
        ? `heal failed: ${i.healError}`
        : i.healable
          ? 'healable'
          : 'needs a person',
    i.detail,
  ]);
  const head = ['class', 'invoice', 'zoho customer', 'state', 'detail'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r: string[]) =>
    r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
  return [...lines, '', fmt(head), ...rows.map(fmt), '', `${report.unhealed} mismatch(es) left.`].join('\n');
}
