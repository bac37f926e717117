import { PRE_SCRUBBED, scrubLogLine, scrubObject, scrubString } from './redact';

describe('log redaction', () => {
  it('removes Luhn-valid card numbers in any grouping but keeps other numbers', () => {
    expect(scrubString('card 4111111111111111 ok')).toBe('card [REDACTED_PAN] ok');
    expect(scrubString('card 4111 1111 1111 1111')).toBe('card [REDACTED_PAN]');
    expect(scrubString('card 4111-1111-1111-1111')).toBe('card [REDACTED_PAN]');
    expect(scrubString('invoice 1234567890123')).toBe('invoice 1234567890123');
  });

  it('removes credentials after auth schemes', () => {
    expect(scrubString('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [REDACTED]');
    expect(scrubString('Zoho-oauthtoken 1000.xyz')).toBe('Zoho-oauthtoken [REDACTED]');
  });

  it('walks plain objects and arrays without touching live objects', () => {
    class Live {
      number = '4111111111111111';
    }
    const live = new Live();
    const out = scrubObject({ note: 'paid with 5555555555554444', list: ['4111111111111111'], live });
    expect(out.note).toBe('paid with [REDACTED_PAN]');
    expect(out.list).toEqual(['[REDACTED_PAN]']);
    expect(out.live).toBe(live);
  });

  it('walks every log line except those built already scrubbed', () => {
    const plain = { token: 'abc', note: '4111111111111111' };
    expect(scrubLogLine(plain)).toEqual({ token: '[REDACTED]', note: '[REDACTED_PAN]' });
    const built = { url: '/webhooks/zoho', [PRE_SCRUBBED]: true };
    expect(scrubLogLine(built)).toBe(built);
  });
});
