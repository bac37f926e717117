import type { OpsPayment, OpsPaymentsReport } from '@aia/contracts';
import { useState } from 'react';
import { DateRangeForm } from './date-range-form';
import { formatDateTime, formatMoney, lastDays } from './format';
import type { DateRange, OpsApi } from './ops-api';
import { StackedBarChart } from './stacked-bar-chart';
import { useResource } from './use-resource';

/** Recent Braintree sales: what succeeded, what failed and why (the processor's answer), per day. */
export function PaymentsSection({ api }: { api: OpsApi }) {
  const [range, setRange] = useState<DateRange>(() => lastDays(14));
  const [run, setRun] = useState(0);
  const report = useResource(() => api.payments(range), `${range.from}|${range.to}|${run}`);
  const [problem, setProblem] = useState<string>();

  const show = (asked: DateRange) => {
    setProblem(undefined);
    setRange(asked);
    setRun((n) => n + 1);
  };
  const r = report.data;

  return (
    <>
      <DateRangeForm
        id="payments"
        fromLabel="From"
        submitLabel="Show payments"
        initial={range}
        onSubmit={show}
        onInvalid={setProblem}
      />
      {(problem || report.error) && (
        <p role="alert" className="problem">
          {problem ?? `Could not load the payments: ${report.error}`}
        </p>
      )}
      {!r && report.loading && <p role="status">Loading…</p>}
      {r && (
        <>
          <PaymentsPerDay report={r} />
          <PaymentTable title={`Recent payments (${r.payments.length})`} payments={r.payments} />
          <PaymentTable title={`Failed charges (${r.failed.length})`} payments={r.failed} failed />
        </>
      )}
    </>
  );
}

function PaymentsPerDay({ report }: { report: OpsPaymentsReport }) {
  return (
    <StackedBarChart
      title={`Sales per day, ${report.from} to ${report.to}`}
      unit="sales"
      labels={report.perDay.map((d) => d.date.slice(5))}
      series={[
        { key: 'succeeded', label: 'Succeeded', colour: '#1a7f37' },
        { key: 'failed', label: 'Failed', colour: '#cf222e' },
      ]}
      values={report.perDay.map((d) => ({ succeeded: d.succeeded, failed: d.failed }))}
    />
  );
}

function PaymentTable({
  title,
  payments,
  failed = false,
}: {
  title: string;
  payments: OpsPayment[];
  failed?: boolean;
}) {
  const id = failed ? 'failed-charges' : 'recent-payments';
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {payments.length === 0 ? (
        <p className="muted">None in this range.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="group" aria-label={title}>
          <table className="ops-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Transaction</th>
                <th scope="col">Invoice</th>
                <th scope="col">Customer</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col">Status</th>
                {failed && <th scope="col">Processor response</th>}
              </tr>
            </thead>
            <tbody>
              {payments.map((p) => (
                <tr key={p.transactionId}>
                  <td>{formatDateTime(p.createdAt)}</td>
                  <td className="mono">{p.transactionId}</td>
                  <td className="mono">{p.invoiceId ?? '—'}</td>
                  <td className="mono">{p.braintreeCustomerId ?? '—'}</td>
                  <td className="number">{formatMoney(p.amount, p.currency)}</td>
                  <td>{p.status.replace(/_/g, ' ')}</td>
                  {failed && (
                    <td>
                      {p.processorResponse ? `${p.processorResponse.code} ${p.processorResponse.text}` : '—'}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
