import { render, screen, within } from '@testing-library/react';
import { createOpsApi } from './ops-api';
import {
  ADMIN,
  ADMIN_TOKEN,
  histogram,
  json,
  platforms,
  platformsOfSeveral,
  stats,
  stubFetch,
} from './ops-fixtures';
import { OverviewSection } from './overview-section';
import { API } from '../testing/checkout-fixtures';

afterEach(() => vi.unstubAllGlobals());

function renderOverview(report = platforms()) {
  stubFetch({
    [`GET ${ADMIN}/stats`]: () => json(200, stats()),
    [`GET ${ADMIN}/events/histogram?hours=24`]: () => json(200, histogram()),
    [`GET ${ADMIN}/platforms`]: () => json(200, report),
  });
  render(<OverviewSection api={createOpsApi(API, ADMIN_TOKEN)} onReviewDeadLetters={() => undefined} />);
}

describe('overview: platform health', () => {
  it('one instance: its platforms as cards, no per-instance table', async () => {
    renderOverview();
    expect(await screen.findByRole('article', { name: 'Zoho Billing' })).toHaveTextContent(
      'Open (calls stopped)',
    );
    expect(screen.getByText(/As seen by the API instance that answered/)).toHaveTextContent(
      'role all, process 4242',
    );
    expect(screen.queryByRole('table', { name: /Live API instances/ })).not.toBeInTheDocument();
  });

  it('several instances: one row each with its role, host, process and worst breaker, then each one’s platforms', async () => {
    renderOverview(platformsOfSeveral());
    const table = await screen.findByRole('table', { name: /Live API instances \(3\)/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^web \(answered\)web-a7.*Closed \(calls flow\)$/),
      expect.stringMatching(/^workerworker-a1.*Open \(calls stopped\) Zoho Billing$/),
      expect.stringMatching(/^workerworker-b1.*Closed \(calls flow\)$/),
    ]);
    expect(rows[1]).toHaveClass('alarm');
    expect(rows[0]).not.toHaveClass('alarm');

    // The instance with an open breaker is expanded; the healthy ones are folded.
    const workerA = screen.getByRole('group', { name: 'worker on worker-a, process 1' });
    expect(workerA).toHaveAttribute('open');
    expect(within(workerA).getByRole('article', { name: 'Zoho Billing' })).toHaveTextContent(
      'invoices.get: unavailable (HTTP 503)',
    );
    const web = screen.getByRole('group', { name: 'web on web-a, process 7' });
    expect(web).not.toHaveAttribute('open');
    expect(within(web).getByRole('article', { name: 'Zoho Billing' })).toHaveTextContent(
      'Closed (calls flow)',
    );
    expect(screen.queryByText(/As seen by the API instance that answered/)).not.toBeInTheDocument();
  });
});
