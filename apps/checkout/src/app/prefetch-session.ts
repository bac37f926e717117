import { CheckoutApi, createCheckoutApi } from '../api/checkout-api';
import { preloadCardFields } from '../card-fields/load-card-fields';
import { API_URL } from '../config';
import { readCheckoutToken } from './read-checkout-token';

/**
 * An API client whose first session request for `token` was already sent. main.tsx imports this module
 * before React, so the request (and the card-fields adapter's download) run while React is evaluated and
 * renders, instead of after it. Later calls (a retry) go to the network as usual.
 */
export function prefetchingApi(api: CheckoutApi, token: string | null): CheckoutApi {
  if (!token) return api;
  let first: ReturnType<CheckoutApi['getSession']> | undefined = api.getSession(token);
  // The adapter's download starts as soon as the session names it, before React has rendered anything.
  first.then(
    (session) => preloadCardFields(session.cardFields),
    () => undefined, // handled by whoever takes the promise; never an unhandled rejection
  );
  return {
    ...api,
    getSession(t) {
      const taken = t === token ? first : undefined;
      first = undefined;
      return taken ?? api.getSession(t);
    },
  };
}

export const pathname = window.location.pathname;
export const checkoutApi = prefetchingApi(createCheckoutApi(API_URL), readCheckoutToken(pathname));
