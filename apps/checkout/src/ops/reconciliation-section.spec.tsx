import { fireEvent, render, screen, within } from '@testing-library/react';
import { lastDays } from './format';
import { createOpsApi } from './ops-api';
import { ADMIN, ADMIN_TOKEN, apiError, json, mismatch, reconReport, stubFetch } from './ops-fixtures';
import { ReconciliationSection } from './reconciliation-section';
import { API } from '../testing/checkout-fixtures';

afterEach(() => vi.unstubAllGlobals());

const api = () => createOpsApi(API, ADMIN_TOKEN);
const range = lastDays(30);
const reportUrl = `${ADMIN}/reconciliation?from=${range.from}&to=${range.to}`;
const unrecorded = mismatch();
const twice = mismatch({
  class: 'charged_twice',
  invoiceId: 'inv-200',
  invoiceNumber: 'INV-000200',
  zohoCustomerId: 'cust-2',
  detail: '2 successful sales (tx2 29.00, tx3 29.00)',
  transactionIds: ['tx2', 'tx3'],
  healable: false,
});
const stale = mismatch({
  class: 'attio_stale',
  invoiceId: 'inv-300',
  invoiceNumber: 'INV-000300',
  zohoCustomerId: 'cust-3',
  detail: 'Attio shows failed; the latest invoice INV-000300 is paid',
  transactionIds: undefined,
});

describe('reconciliation', () => {
  it('reads the last 30 days by default: counts per class, each mismatch, Heal only where safe', async () => {
    const fetchMock = stubFetch({
      [`GET ${reportUrl}`]: () => json(200, reconReport([unrecorded, twice, stale], range)),
    });
    render(<ReconciliationSection api={api()} />);
    expect(screen.getByLabelText('From (invoice date)')).toHaveValue(range.from);
    expect(screen.getByLabelText('To')).toHaveValue(range.to);

    const counts = await screen.findByRole('table', { name: 'Invoices per class' });
    const cells = within(counts)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    const heads = within(counts)
      .getAllByRole('columnheader')
      .map((c) => c.textContent);
    expect(Object.fromEntries(heads.map((h, i) => [h, cells[i]]))).toEqual({
      'Charged, not recorded in Zoho': '1',
      'Attio shows an old status': '1',
      'Charged twice': '1',
      'Recorded in Zoho without a charge': '0',
      'Unpaid past due': '0',
      Agrees: '5',
    });

    const rows = within(screen.getByRole('table', { name: 'Mismatches' })).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(within(rows[1]).getByRole('button', { name: 'Heal invoice INV-000100' })).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('Braintree tx1 took 75.00 USD');
    expect(within(rows[2]).queryByRole('button')).not.toBeInTheDocument();
    expect(rows[2]).toHaveTextContent('A person must act: refund the extra sale in Braintree');
    expect(within(rows[3]).getByRole('button', { name: 'Heal invoice INV-000300' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Heal all safe mismatches (2)' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('heals one mismatch by its invoice (or, for Attio, its customer) and shows it healed', async () => {
    const fetchMock = stubFetch({
      [`GET ${reportUrl}`]: () => json(200, reconReport([unrecorded, twice, stale], range)),
      [`POST ${ADMIN}/reconciliation/heal`]: [
        () => json(200, reconReport([{ ...unrecorded, healed: true }, twice, stale], range)),
        () =>
          json(200, reconReport([{ ...unrecorded, healed: true }, twice, { ...stale, healed: true }], range)),
      ],
    });
    render(<ReconciliationSection api={api()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Heal invoice INV-000100' }));
    expect(
      await screen.findByText('Healed: Charged, not recorded in Zoho, invoice INV-000100.'),
    ).toHaveAttribute('role', 'status');
    const rows = within(screen.getByRole('table', { name: 'Mismatches' })).getAllByRole('row');
    expect(within(rows[1]).getByText('Healed')).toBeInTheDocument();
    expect(within(rows[1]).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Heal all safe mismatches (1)' })).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Heal invoice INV-000300' }));
    expect(await screen.findByText(/Healed: Attio shows an old status/)).toBeInTheDocument();
    const bodies = fetchMock.mock.calls
      .filter(([, init]) => init?.method === 'POST')
      .map(([, init]) => JSON.parse(String(init?.body)));
    expect(bodies).toEqual([
      { ...range, invoiceId: 'inv-100' },
      { ...range, zohoCustomerId: 'cust-3' },
    ]);
    expect(screen.queryByRole('button', { name: /Heal all/ })).not.toBeInTheDocument();
  });

  it('heals every safe mismatch at once', async () => {
    const fetchMock = stubFetch({
      [`GET ${reportUrl}`]: () => json(200, reconReport([unrecorded, twice, stale], range)),
      [`POST ${ADMIN}/reconciliation/heal`]: () =>
        json(200, reconReport([{ ...unrecorded, healed: true }, twice, { ...stale, healed: true }], range)),
    });
    render(<ReconciliationSection api={api()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Heal all safe mismatches (2)' }));
    expect(await screen.findByText('Healed 2 mismatches; 1 left.')).toBeInTheDocument();
    const [, init] = fetchMock.mock.calls.find(([, i]) => i?.method === 'POST')!;
    expect(JSON.parse(String(init?.body))).toEqual(range);
  });

  it('shows the API message when a heal is refused', async () => {
    stubFetch({
      [`GET ${reportUrl}`]: () => json(200, reconReport([unrecorded], range)),
      [`POST ${ADMIN}/reconciliation/heal`]: () =>
        apiError(409, 'conflict', `Reconciliation finds no mismatch for invoice inv-100`),
    });
    render(<ReconciliationSection api={api()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Heal invoice INV-000100' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Reconciliation finds no mismatch for invoice inv-100 (HTTP 409)',
    );
  });

  it('runs the report for another range, and checks the range first', async () => {
    const other = `${ADMIN}/reconciliation?from=2026-11-01&to=2026-11-30`;
    const fetchMock = stubFetch({
      [`GET ${reportUrl}`]: () => json(200, reconReport([], range)),
      [`GET ${other}`]: () => json(200, reconReport([], { from: '2026-11-01', to: '2026-11-30' })),
    });
    render(<ReconciliationSection api={api()} />);
    expect(await screen.findByText(/Everything agrees/)).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('From (invoice date)'), { target: { value: '2026-12-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run report' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The start date must not be after the end date.');
    fireEvent.change(screen.getByLabelText('From (invoice date)'), { target: { value: '2026-11-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run report' }));
    expect(await screen.findByText(/dated 2026-11-01 to 2026-11-30/)).toBeInTheDocument();
    expect(fetchMock).toHaveBeenLastCalledWith(other, expect.anything());
  });
});
