import { createHmac } from 'node:crypto';
import { signZohoWebhook, zohoSignedString } from './zoho-webhook-signature';

describe('signZohoWebhook', () => {
  const body = '{"event_id":"1","event_type":"invoice_created"}';

  it('signs sorted key+value pairs followed by the raw body, HMAC-SHA256 lowercase hex', () => {
    const expected = createHmac('sha256', 'secret123456').update(`a1b2${body}`).digest('hex');
    expect(signZohoWebhook('secret123456', body, { b: '2', a: '1' })).toBe(expected);
    expect(signZohoWebhook('secret123456', body, new URLSearchParams('b=2&a=1'))).toBe(expected);
  });

  it('signs the body alone when there are no parameters, and any change in bytes changes it', () => {
    expect(zohoSignedString(body).toString()).toBe(body);
    expect(signZohoWebhook('s', body)).not.toBe(signZohoWebhook('s', `${body} `));
    expect(signZohoWebhook('s', Buffer.from(body))).toBe(signZohoWebhook('s', body));
  });
});
