import type { OpsMismatchClass, OpsReconciliationItem } from '@aia/contracts';
import { useState } from 'react';
import { DateRangeForm } from './date-range-form';
import { formatDateTime, lastDays, MISMATCH_ADVICE, MISMATCH_NAMES } from './format';
import { messageOf } from './ops-api';
import type { DateRange, HealTarget, OpsApi } from './ops-api';
import { useResource } from './use-resource';

const CLASSES: OpsMismatchClass[] = [
  'charged_not_recorded',
  'attio_stale',
  'charged_twice',
  'recorded_without_charge',
  'unpaid_past_due',
  'ok',
];

const sameItem = (a: OpsReconciliationItem, b: OpsReconciliationItem) =>
  a.class === b.class && a.invoiceId === b.invoiceId && a.zohoCustomerId === b.zohoCustomerId;

/** One heal names the invoice (a missing Zoho payment) or the customer (Attio's status). */
function targetOf(item: OpsReconciliationItem): HealTarget {
  return item.class === 'attio_stale'
    ? { zohoCustomerId: item.zohoCustomerId }
    : { invoiceId: item.invoiceId };
}

const keyOf = (item: OpsReconciliationItem) => `${item.class}|${item.invoiceId}|${item.zohoCustomerId}`;

const itemName = (item: OpsReconciliationItem) =>
  item.invoiceNumber ? `invoice ${item.invoiceNumber}` : `customer ${item.zohoCustomerId}`;

/**
 * Does Zoho, Braintree and Attio agree for the invoices of a date range? The report is a dry run; Heal
 * fixes one safe mismatch (or all of them); the API answers with the report read again, marking what it healed.
 */
export function ReconciliationSection({ api }: { api: OpsApi }) {
  const [range, setRange] = useState<DateRange>(() => lastDays(30));
  const [run, setRun] = useState(0);
  const report = useResource(() => api.reconciliation(range), `${range.from}|${range.to}|${run}`);
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [problem, setProblem] = useState<string>();

  const show = (asked: DateRange) => {
    setMessage(undefined);
    setProblem(undefined);
    setRange(asked);
    setRun((n) => n + 1);
  };
  const refuse = (why: string) => {
    setMessage(undefined);
    setProblem(why);
  };

  const heal = async (item?: OpsReconciliationItem) => {
    if (!report.data) return;
    setBusy(item ? keyOf(item) : 'all');
    setMessage(undefined);
    setProblem(undefined);
    try {
      // The answer is the whole report again, read after healing: what was healed says so.
      const answer = await api.heal(range, item ? targetOf(item) : undefined);
      report.set(answer);
      if (!item) {
        const healed = answer.items.filter((i) => i.healed).length;
        setMessage(`Healed ${healed} mismatch${healed === 1 ? '' : 'es'}; ${answer.unhealed} left.`);
        return;
      }
      const after = answer.items.find((i) => sameItem(i, item));
      if (after?.healed) setMessage(`Healed: ${MISMATCH_NAMES[item.class]}, ${itemName(item)}.`);
      else setProblem(`Could not heal ${itemName(item)}: ${after?.healError ?? 'no reason given'}`);
    } catch (err) {
      setProblem(messageOf(err));
    } finally {
      setBusy(undefined);
    }
  };

  const r = report.data;
  const healable = r ? r.items.filter((i) => i.healable && !i.healed) : [];

  return (
    <>
      <DateRangeForm
        id="recon"
        fromLabel="From (invoice date)"
        submitLabel="Run report"
        initial={range}
        onSubmit={show}
        onInvalid={refuse}
      />

      <p role="status" className="notice-line">
        {report.loading ? 'Comparing Zoho, Braintree and Attio…' : message}
      </p>
      {(problem || report.error) && (
        <p role="alert" className="problem">
          {problem ?? `Could not run the reconciliation: ${report.error}`}
        </p>
      )}

      {r && (
        <>
          <p className="muted">
            {r.invoices} invoice{r.invoices === 1 ? '' : 's'} dated {r.from} to {r.to}, read{' '}
            {formatDateTime(r.generatedAt)}.{' '}
            {r.items.length === 0 ? 'Everything agrees.' : `${r.unhealed} left to act on.`}
          </p>
          <div className="table-scroll" tabIndex={0} role="group" aria-label="Invoices per class">
            <table className="ops-table compact counts">
              <caption>Invoices per class</caption>
              <thead>
                <tr>
                  {CLASSES.map((c) => (
                    <th key={c} scope="col">
                      {MISMATCH_NAMES[c]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  {CLASSES.map((c) => (
                    <td key={c} className={c !== 'ok' && r.counts[c] ? 'attention' : undefined}>
                      {r.counts[c] ?? 0}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </div>

          {healable.length > 0 && (
            <div className="actions">
              <button type="button" className="button" disabled={!!busy} onClick={() => void heal()}>
                Heal all safe mismatches ({healable.length})
              </button>
            </div>
          )}

          {r.items.length > 0 && (
            <div className="table-scroll" tabIndex={0} role="group" aria-label="Mismatches">
              <table className="ops-table mismatches">
                <caption>Mismatches</caption>
                <thead>
                  <tr>
                    <th scope="col">Mismatch</th>
                    <th scope="col">Invoice</th>
                    <th scope="col">Zoho customer</th>
                    <th scope="col">What was found</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((item) => {
                    const id = keyOf(item);
                    return (
                      <tr key={id} data-invoice-id={item.invoiceId}>
                        <td>{MISMATCH_NAMES[item.class] ?? item.class}</td>
                        <td className="mono">{item.invoiceNumber ?? item.invoiceId ?? '—'}</td>
                        <td className="mono">{item.zohoCustomerId}</td>
                        <td>
                          {item.detail}
                          {item.transactionIds?.length ? (
                            <span className="muted"> (Braintree {item.transactionIds.join(', ')})</span>
                          ) : null}
                        </td>
                        <td>
                          {item.healed ? (
                            <span className="badge state-done">Healed</span>
                          ) : item.healable ? (
                            <>
                              <button
                                type="button"
                                className="button small"
                                disabled={!!busy}
                                onClick={() => void heal(item)}
                              >
                                {busy === id ? 'Healing…' : 'Heal'}{' '}
                                <span className="visually-hidden">{itemName(item)}</span>
                              </button>
                              <span className="muted block">{MISMATCH_ADVICE[item.class]}</span>
                              {item.healError && <span className="error-text block">{item.healError}</span>}
                            </>
                          ) : (
                            <span>{MISMATCH_ADVICE[item.class]}</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
