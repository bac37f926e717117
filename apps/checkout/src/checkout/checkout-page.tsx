import type { CheckoutApi } from '../api/checkout-api';
import { CheckoutForm } from './checkout-form';
import {
  CompletedView,
  ErrorView,
  ExpiredView,
  InvalidLinkView,
  LoadingView,
  SuccessView,
} from './status-views';
import { useCheckoutSession } from './use-checkout-session';

export function CheckoutPage({ api, token }: { api: CheckoutApi; token: string }) {
  const { view, retry, settle } = useCheckoutSession(api, token);
  switch (view.kind) {
    case 'loading':
      return <LoadingView />;
    case 'invalid':
      return <InvalidLinkView />;
    case 'expired':
      return <ExpiredView />;
    case 'completed':
      return <CompletedView summary={view.summary} />;
    case 'success':
      return <SuccessView summary={view.summary} />;
    case 'error':
      return <ErrorView message={view.message} onRetry={retry} />;
    case 'open':
      return <CheckoutForm api={api} token={token} session={view.session} onOutcome={settle} />;
  }
}
