import type { OpsEventState } from '@aia/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { API_URL } from '../config';
import { EventsSection } from './events-section';
import { createOpsApi, OpsApiError } from './ops-api';
import type { OpsApi } from './ops-api';
import { OverviewSection } from './overview-section';
import { PaymentsSection } from './payments-section';
import { ReconciliationSection } from './reconciliation-section';
import { SignIn } from './sign-in';
import './ops.css';

/** The admin token lives for the browser tab only (sessionStorage), never in a URL or a cookie. */
export const TOKEN_KEY = 'aia.ops.adminToken';

const SECTIONS = [
  { id: 'overview', label: 'Overview' },
  { id: 'events', label: 'Events' },
  { id: 'reconciliation', label: 'Reconciliation' },
  { id: 'payments', label: 'Payments' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: sign in for this page view only
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // kept in memory only
  }
}

interface Props {
  apiUrl?: string;
  /** How the admin API client is made (tests may wrap it). */
  createApi?: typeof createOpsApi;
}

/**
 * The operations page at /ops: sign in with the ADMIN_TOKEN, then four sections switched in place (no
 * router, nothing in the URL). A 401 from any request signs out with a message.
 */
export default function OpsApp({ apiUrl = API_URL, createApi = createOpsApi }: Props) {
  const [token, setToken] = useState<string | null>(storedToken);
  const [notice, setNotice] = useState<{ text: string; alert: boolean }>();

  useEffect(() => {
    document.title = 'Operations';
  }, []);

  const signOut = useCallback((text: string, alert: boolean) => {
    storeToken(null);
    setToken(null);
    setNotice({ text, alert });
  }, []);

  const api = useMemo(
    () =>
      token
        ? createApi(apiUrl, token, () =>
            signOut('The API refused the admin token (it may have been changed). Sign in again.', true),
          )
        : undefined,
    [apiUrl, createApi, token, signOut],
  );

  const signIn = async (candidate: string): Promise<string | undefined> => {
    try {
      await createApi(apiUrl, candidate).stats();
    } catch (err) {
      if (err instanceof OpsApiError && err.status === 401)
        return 'That token was refused. Check ADMIN_TOKEN.';
      if (err instanceof OpsApiError && err.status === 0) return `The API at ${apiUrl} could not be reached.`;
      return err instanceof Error ? err.message : String(err);
    }
    storeToken(candidate);
    setNotice(undefined);
    setToken(candidate);
    return undefined;
  };

  if (!api) return <SignIn onSignIn={signIn} notice={notice} />;
  return <Console api={api} onSignOut={() => signOut('You are signed out.', false)} />;
}

function Console({ api, onSignOut }: { api: OpsApi; onSignOut: () => void }) {
  const [section, setSection] = useState<SectionId>('overview');
  const [eventsState, setEventsState] = useState<OpsEventState | ''>('');
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    // Focus follows a section change (not the first render), so keyboard and screen reader users land on it.
    if (moved.current) heading.current?.focus();
    moved.current = true;
  }, [section]);

  const open = (id: SectionId) => setSection(id);
  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];

  return (
    <div className="ops">
      <header className="ops-header">
        <p className="ops-brand">Attio Integration · Operations</p>
        <nav aria-label="Sections" className="ops-nav">
          {SECTIONS.map((s) => (
            <button
              key={s.id}
              type="button"
              className="ops-tab"
              aria-current={s.id === section ? 'page' : undefined}
              onClick={() => open(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
        <button type="button" className="button small" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main className="ops-main" aria-labelledby="ops-section-title">
        <h1 id="ops-section-title" ref={heading} tabIndex={-1}>
          {current.label}
        </h1>
        {section === 'overview' && (
          <OverviewSection
            api={api}
            onReviewDeadLetters={() => {
              setEventsState('dead');
              open('events');
            }}
          />
        )}
        {section === 'events' && <EventsSection api={api} initialState={eventsState} />}
        {section === 'reconciliation' && <ReconciliationSection api={api} />}
        {section === 'payments' && <PaymentsSection api={api} />}
      </main>
    </div>
  );
}
