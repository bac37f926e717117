import { createHash, createHmac } from 'node:crypto';
import { WebhookDispatcher } from '@aia/sandbox-kit';
import { xmlElement, XmlObject, xmlTime } from './xml.writer';

export type BraintreeWebhookKind =
  | 'check'
  | 'dispute_opened'
  | 'dispute_won'
  | 'dispute_lost'
  | 'dispute_accepted'
  | 'transaction_settled'
  | 'transaction_settlement_declined';

/**
 * `public_key|hex(HMAC-SHA1(key = SHA1(private_key), bt_payload))`, what
 * `WebhookNotificationGateway.validateSignature` checks (braintree/lib/braintree/webhook_notification_gateway.js,
 * digest.js).
 */
export function signBraintreePayload(publicKey: string, privateKey: string, payload: string): string {
  const key = createHash('sha1').update(privateKey, 'utf8').digest();
  return `${publicKey}|${createHmac('sha1', key).update(payload, 'utf8').digest('hex')}`;
}

/**
 * Base64 with a line break every 60 characters and at the end, like Ruby's `Base64.encode64` the gateway
 * uses; the SDK accepts `\n` in payloads for that reason. The exact wrapping of real payloads is UNCONFIRMED.
 */
export function encodePayload(xml: string): string {
  const b64 = Buffer.from(xml, 'utf8').toString('base64');
  return (b64.match(/.{1,60}/g) ?? []).join('\n') + '\n';
}

export function notificationXml(kind: BraintreeWebhookKind, subject: XmlObject, now: Date): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<notification>` +
    xmlElement('timestamp', xmlTime(now)) +
    xmlElement('kind', kind) +
    xmlElement('subject', subject) +
    `</notification>\n`
  );
}

export interface SignedNotification {
  bt_signature: string;
  bt_payload: string;
}

export class BraintreeWebhookNotifier {
  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly credentials: { publicKey: string; privateKey: string },
  ) {}

  build(kind: BraintreeWebhookKind, subject: XmlObject, now: Date): SignedNotification {
    const payload = encodePayload(notificationXml(kind, subject, now));
    return {
      bt_signature: signBraintreePayload(this.credentials.publicKey, this.credentials.privateKey, payload),
      bt_payload: payload,
    };
  }

  /** Posts the notification form-encoded, as Braintree does; no-op without a configured URL. */
  send(url: string | null, kind: BraintreeWebhookKind, subject: XmlObject, now: Date): void {
    if (!url) return;
    const signed = this.build(kind, subject, now);
    this.dispatcher.send({
      event: kind,
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...signed }).toString(),
    });
  }
}
