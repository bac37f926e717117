import { render, screen, within } from '@testing-library/react';
import { lastDays } from './format';
import { createOpsApi } from './ops-api';
import { ADMIN, ADMIN_TOKEN, json, paymentsReport, stubFetch } from './ops-fixtures';
import { PaymentsSection } from './payments-section';
import { API } from '../testing/checkout-fixtures';

afterEach(() => vi.unstubAllGlobals());

describe('payments', () => {
  it('lists recent payments and failed charges with the processor response, and charts sales per day', async () => {
    const range = lastDays(14);
    stubFetch({
      [`GET ${ADMIN}/payments?from=${range.from}&to=${range.to}`]: () => json(200, paymentsReport()),
    });
    render(<PaymentsSection api={createOpsApi(API, ADMIN_TOKEN)} />);

    const ok = await screen.findByRole('region', { name: 'Recent payments (1)' });
    expect(within(ok).getAllByRole('row')[1]).toHaveTextContent(
      /tx-ok-1.*inv-1.*bt-1.*\$99\.00.*submitted for settlement/,
    );
    const failed = screen.getByRole('region', { name: 'Failed charges (1)' });
    expect(within(failed).getByRole('columnheader', { name: 'Processor response' })).toBeInTheDocument();
    expect(within(failed).getAllByRole('row')[1]).toHaveTextContent(
      /tx-bad-1.*\$2,001\.00.*processor declined.*2001 Insufficient Funds/,
    );

    const chart = screen.getByRole('img', { name: 'Sales per day, 2026-11-18 to 2026-12-01' });
    expect(chart).toHaveAccessibleDescription('2 sales from 11-30 to 12-01; the most, 1, at 11-30.');
    const table = screen.getByRole('table', { name: 'Sales per day, 2026-11-18 to 2026-12-01' });
    expect(
      within(table)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['WhenSucceededFailed', '11-3001', '12-0110']);
  });
});
