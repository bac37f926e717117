import { lazy, Suspense, useMemo } from 'react';
import { CheckoutApi, createCheckoutApi } from '../api/checkout-api';
import { CheckoutPage } from '../checkout/checkout-page';
import { InvalidLinkView } from '../checkout/status-views';
import { API_URL } from '../config';
import { readCheckoutToken } from './read-checkout-token';

// Its own chunk, fetched only under /ops: the customer's checkout never downloads the operations page.
const OpsApp = lazy(() => import('../ops/ops-app'));

export const isOpsPath = (pathname: string) => pathname === '/ops' || pathname.startsWith('/ops/');

/** Two routes, `/c/<token>` and `/ops` (no router library: it would cost bundle size for two paths). */
export function App({ pathname, api }: { pathname: string; api?: CheckoutApi }) {
  if (isOpsPath(pathname)) {
    return (
      <Suspense fallback={<p role="status">Loading the operations page…</p>}>
        <OpsApp />
      </Suspense>
    );
  }
  return <CheckoutRoute pathname={pathname} api={api} />;
}

function CheckoutRoute({ pathname, api }: { pathname: string; api?: CheckoutApi }) {
  const token = readCheckoutToken(pathname);
  const checkoutApi = useMemo(() => api ?? createCheckoutApi(API_URL), [api]);
  return token ? <CheckoutPage api={checkoutApi} token={token} /> : <InvalidLinkView />;
}
