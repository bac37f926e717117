import { createHmac } from 'node:crypto';

/**
 * Zoho Billing's webhook signature (`X-Zoho-Webhook-Signature`): sort the query-string and form parameters
 * by key, join each as `key + value` with no separators, append the raw body, and HMAC the result with the
 * webhook's secret token (https://zohohelp.com/billing/kb/webhooks/securing-webhooks.html). HMAC-SHA256 with
 * lowercase hex comes from a third-party guide (mindbowser.com zoho-webhook-signature-validation-guide):
 * UNCONFIRMED in Zoho's own text (PLATFORMS.md §2).
 */
export function zohoSignedString(
  rawBody: string | Buffer,
  params?: Record<string, string> | URLSearchParams,
): Buffer {
  const pairs: Array<[string, string]> =
    params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params ?? {});
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const prefix = pairs.map(([k, v]) => `${k}${v}`).join('');
  return Buffer.concat([
    Buffer.from(prefix, 'utf8'),
    Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8'),
  ]);
}

export function signZohoWebhook(
  secret: string,
  rawBody: string | Buffer,
  params?: Record<string, string> | URLSearchParams,
): string {
  return createHmac('sha256', secret).update(zohoSignedString(rawBody, params)).digest('hex');
}

export const ZOHO_SIGNATURE_HEADER = 'X-Zoho-Webhook-Signature';
