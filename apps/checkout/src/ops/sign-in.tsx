import { FormEvent, useEffect, useRef, useState } from 'react';

interface Props {
  /** Resolves to an error message, or undefined once signed in. */
  onSignIn(token: string): Promise<string | undefined>;
  /** Why the form is shown again (signed out, or the token was refused). */
  notice?: { text: string; alert: boolean };
}

export function SignIn({ onSignIn, notice }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    // Never a real form submission: the token must not end up in a URL or a request other than the API's.
    e.preventDefault();
    if (!token.trim()) {
      setError('Enter the admin token.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const problem = await onSignIn(token.trim());
    if (problem) {
      setBusy(false);
      setError(problem);
      input.current?.focus();
    }
  };

  return (
    <main className="checkout ops-sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Operations</h1>
      {notice && (
        <p role={notice.alert ? 'alert' : 'status'} className={notice.alert ? 'problem' : 'notice'}>
          {notice.text}
        </p>
      )}
      <p>Sign in with the API&apos;s admin token (ADMIN_TOKEN). It is kept for this browser tab only.</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="admin-token">Admin token</label>
          <input
            id="admin-token"
            ref={input}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'admin-token-error' : undefined}
            onChange={(e) => setToken(e.target.value)}
          />
          {error && (
            <p id="admin-token-error" role="alert" className="field-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
