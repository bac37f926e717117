import { useCallback, useEffect, useState } from 'react';
import type { CheckoutApi } from '../api/checkout-api';
import { preloadCardFields } from '../card-fields/load-card-fields';
import { CheckoutView, retryableMessage, terminalView } from './checkout-view';

/** Loads the session behind the link; `retry` loads it again, `settle` records the form's outcome. */
export function useCheckoutSession(api: CheckoutApi, token: string) {
  const [view, setView] = useState<CheckoutView>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setView({ kind: 'loading' });
    api.getSession(token).then(
      (session) => {
        performance.mark('checkout:session'); // read by bench/checkout/run.mjs
        preloadCardFields(session.cardFields);
        if (live) setView({ kind: 'open', session });
      },
      (error: unknown) =>
        live && setView(terminalView(error) ?? { kind: 'error', message: retryableMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, token, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { view, retry, settle: setView };
}
