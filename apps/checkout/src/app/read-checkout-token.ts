/** Signed tokens are URL-safe base64 parts joined by dots; anything else is not worth a request. */
const TOKEN = /^[A-Za-z0-9._-]{16,2048}$/;

/** The token of a checkout link `/c/<token>` (a trailing slash tolerated), or null. */
export function readCheckoutToken(pathname: string): string | null {
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  let token: string;
  try {
    token = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return TOKEN.test(token) ? token : null;
}
