import type { BraintreeTransactionsService, TransactionSummary } from '@aia/braintree';
import { DomainError } from '@aia/platform';
import { paymentRange, RecentPaymentsUseCase } from './recent-payments.use-case';

const NOW = new Date('2026-12-01T12:00:00Z');

function sale(overrides: Partial<TransactionSummary>): TransactionSummary {
  return {
    id: 'tx',
    status: 'submitted_for_settlement',
    type: 'sale',
    amount: '10.00',
    currencyIsoCode: 'USD',
    merchantAccountId: 'sandbox_usd',
    orderId: null,
    customerId: null,
    paymentMethodToken: null,
    processorResponseCode: null,
    processorResponseText: null,
    processorResponseType: null,
    gatewayRejectionReason: null,
    refundedTransactionId: null,
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
    ...overrides,
  };
}

function useCase(sales: TransactionSummary[]) {
  const searchSales = jest.fn(async () => sales);
  const transactions = { searchSales } as unknown as BraintreeTransactionsService;
  return { run: new RecentPaymentsUseCase(transactions), searchSales };
}

describe('RecentPaymentsUseCase', () => {
  it('sums successful sales per currency and day, never across currencies', async () => {
    const { run } = useCase([
      sale({ id: 'a', amount: '10.10', currencyIsoCode: 'USD' }),
      sale({ id: 'b', amount: '0.20', currencyIsoCode: 'USD', status: 'settled' }),
      sale({ id: 'c', amount: '12.50', currencyIsoCode: 'EUR' }),
      sale({ id: 'd', amount: '99.00', currencyIsoCode: 'EUR', status: 'processor_declined' }),
      sale({ id: 'e', amount: '5.00', status: 'voided' }),
      sale({ id: 'f', amount: '7.00', createdAt: '2026-11-30T23:59:59Z' }),
    ]);
    const report = await run.execute({ from: '2026-11-30', to: '2026-12-01', now: NOW });
    expect(report.perDay).toEqual([
      { date: '2026-11-30', succeeded: 1, failed: 0, amounts: { USD: '7.00' } },
      { date: '2026-12-01', succeeded: 3, failed: 1, amounts: { USD: '10.30', EUR: '12.50' } },
    ]);
    expect(report.payments.map((p) => p.transactionId).sort()).toEqual(['a', 'b', 'c', 'f']);
    expect(report.failed.map((p) => p.transactionId)).toEqual(['d']);
  });

  it('searches the whole of each UTC day of the range', async () => {
    const { run, searchSales } = useCase([]);
    await run.execute({ from: '2026-11-20', to: '2026-11-21', now: NOW });
    expect(searchSales).toHaveBeenCalledWith({
      createdSince: new Date('2026-11-20T00:00:00.000Z'),
      createdBefore: new Date('2026-11-21T23:59:59.999Z'),
    });
  });

  it('defaults to the last 14 days and refuses impossible or too wide ranges', () => {
    expect(paymentRange({ now: NOW })).toEqual({ from: '2026-11-18', to: '2026-12-01' });
    for (const bad of [
      { from: '2026-02-30' },
      { from: '2026-12-02', to: '2026-12-01' },
      { from: '2026-01-01', to: '2026-12-01' },
    ])
      expect(() => paymentRange({ ...bad, now: NOW })).toThrow(DomainError);
  });
});
