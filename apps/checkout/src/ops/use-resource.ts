import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from './ops-api';

export interface Resource<T> {
  data?: T;
  /** The last failure's message (the previous data stays shown). */
  error?: string;
  loading: boolean;
  reload(): void;
  /** Replace the data without a request (an action's answer). */
  set(data: T): void;
}

/**
 * Loads `load()` on mount and whenever `key` changes; a late answer for an older key is dropped, so fast
 * filtering never shows stale rows. `load` is read at call time (callers need not memoise it).
 */
export function useResource<T>(load: () => Promise<T>, key: string): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => current && setState({ data, loading: false }),
      (err: unknown) => current && setState((s) => ({ data: s.data, error: messageOf(err), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ data, loading: false }), []);
  return { ...state, reload, set };
}
