import { hexDigestsEqual } from '@aia/platform';
import { createHmac } from 'node:crypto';

export const ZOHO_SIGNATURE_HEADER = 'x-zoho-webhook-signature';

/**
 * Zoho's webhook signature: HMAC over the query/form parameters sorted by key and joined as `key+value`
 * without separators, followed by the raw body (https://zohohelp.com/billing/kb/webhooks/securing-webhooks.html).
 * SHA-256 with lowercase hex is from a third-party guide (UNCONFIRMED in Zoho's text; PLATFORMS.md §2).
 * Kept here (not imported from the sandbox) because production code never depends on the emulators.
 */
export function computeZohoSignature(
  secret: string,
  rawBody: Buffer,
  params: Array<[string, string]>,
): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const prefix = Buffer.from(sorted.map(([k, v]) => `${k}${v}`).join(''), 'utf8');
  return createHmac('sha256', secret)
    .update(Buffer.concat([prefix, rawBody]))
    .digest('hex');
}

/** Constant-time comparison of two hex signatures (false on any length mismatch). */
export function signaturesMatch(expectedHex: string, receivedHex: string): boolean {
  return hexDigestsEqual(expectedHex, receivedHex);
}
