import type { CheckoutSummary } from '@aia/contracts';
import { formatPrice } from './format';

export function CheckoutSummaryList({ summary }: { summary: CheckoutSummary }) {
  const { planName, price, currency, card } = summary;
  return (
    <dl className="summary">
      {planName && (
        <>
          <dt>Plan</dt>
          <dd>{planName}</dd>
        </>
      )}
      {summary.mode === 'subscribe' && price !== undefined && currency && (
        <>
          <dt>Price</dt>
          <dd>{formatPrice(price, currency)}</dd>
        </>
      )}
      {card && (
        <>
          <dt>Card</dt>
          <dd>
            {card.type} ending in {card.last4}
          </dd>
        </>
      )}
    </dl>
  );
}
