import { API_URL } from '../config';

/** Reads the signed checkout token from the link the customer received (`?token=…`). */
export function readCheckoutToken(search: string): string | null {
  const token = new URLSearchParams(search).get('token');
  return token && /^[A-Za-z0-9._-]{16,2048}$/.test(token) ? token : null;
}

export function App({ search }: { search: string }) {
  const token = readCheckoutToken(search);
  return (
    <main className="checkout">
      <h1>Checkout</h1>
      {token ? (
        <p role="status">Preparing your secure checkout…</p>
      ) : (
        <p role="alert">
          This checkout link is missing or incomplete. Please open the link from your email again, or ask us
          for a new one.
        </p>
      )}
      <footer>
        <small>
          Card details are entered in fields hosted by Braintree and never reach our servers.
          <span className="api" data-api-url={API_URL} />
        </small>
      </footer>
    </main>
  );
}
