import type { CheckoutSessionView } from '@aia/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CardFieldIds, CardFields } from './card-fields';
import { loadCardFields } from './load-card-fields';

export type CardFieldsStatus = { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; error: unknown };

/**
 * Loads the adapter the session asks for and mounts it into the rendered slots once they exist; tears
 * it down on unmount. `fields()` hands the mounted adapter to the submit handler.
 */
export function useCardFields(
  session: CheckoutSessionView,
  getClientToken: () => Promise<string>,
  ids: CardFieldIds,
) {
  const [status, setStatus] = useState<CardFieldsStatus>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const mounted = useRef<CardFields | null>(null);

  useEffect(() => {
    let live = true;
    let adapter: CardFields | undefined;
    setStatus({ kind: 'loading' });
    loadCardFields(session, getClientToken)
      .then(async (loaded) => {
        if (!live) return;
        adapter = loaded;
        await loaded.mount(ids);
        if (!live) return;
        mounted.current = loaded;
        setStatus({ kind: 'ready' });
        performance.mark('checkout:card-fields-mounted'); // read by bench/checkout/run.mjs
      })
      .catch((error: unknown) => live && setStatus({ kind: 'failed', error }));
    return () => {
      live = false;
      mounted.current = null;
      void adapter?.teardown();
    };
  }, [session, getClientToken, ids, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const fields = useCallback(() => mounted.current, []);
  return { status, reload, fields };
}
