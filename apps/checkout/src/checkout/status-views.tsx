import type { CheckoutSummary } from '@aia/contracts';
import { CheckoutSummaryList } from './checkout-summary';
import { PageShell } from './page-shell';

export function LoadingView() {
  return (
    <PageShell title="Checkout" focus={false}>
      <p role="status">Loading your checkout…</p>
    </PageShell>
  );
}

export function InvalidLinkView() {
  return (
    <PageShell title="This link is not valid">
      <p role="alert">
        This checkout link is not valid. Please open the link from your email again, or ask us for a new one.
      </p>
    </PageShell>
  );
}

export function ExpiredView() {
  return (
    <PageShell title="This link has expired">
      <p role="alert">
        For your security, checkout links are valid for a limited time. Please ask us for a new link.
      </p>
    </PageShell>
  );
}

export function ErrorView({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <PageShell title="Checkout">
      <p role="alert">{message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </PageShell>
  );
}

export function CompletedView({ summary }: { summary?: CheckoutSummary }) {
  const on = summary
    ? ` on ${new Date(summary.completedAt).toLocaleDateString('en', { dateStyle: 'long' })}`
    : '';
  return (
    <PageShell title="Already completed">
      <p role="status">{`This checkout was already completed${on}. Nothing more is needed.`}</p>
      {summary && <CheckoutSummaryList summary={summary} />}
    </PageShell>
  );
}

export function SuccessView({ summary }: { summary: CheckoutSummary }) {
  const update = summary.mode === 'update_card';
  return (
    <PageShell title={update ? 'Your card is updated' : 'You are subscribed'}>
      <p role="status">
        {update
          ? 'Thank you. Your new card will be used for your next payments.'
          : `Thank you, ${summary.customerName}. Your subscription is set up.`}
      </p>
      <CheckoutSummaryList summary={summary} />
    </PageShell>
  );
}
