import { useMemo } from 'react';
import { CheckoutApi, createCheckoutApi } from '../api/checkout-api';
import { CheckoutPage } from '../checkout/checkout-page';
import { InvalidLinkView } from '../checkout/status-views';
import { API_URL } from '../config';
import { readCheckoutToken } from './read-checkout-token';

/** The only route is `/c/<token>` (no router library: it would cost bundle size for one path). */
export function App({ pathname, api }: { pathname: string; api?: CheckoutApi }) {
  const token = readCheckoutToken(pathname);
  const checkoutApi = useMemo(() => api ?? createCheckoutApi(API_URL), [api]);
  return token ? <CheckoutPage api={checkoutApi} token={token} /> : <InvalidLinkView />;
}
