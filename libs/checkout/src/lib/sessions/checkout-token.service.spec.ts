import { loadAppConfig } from '@aia/platform';
import { DomainError } from '@aia/platform';
import { CheckoutTokenService, checkoutKeyId } from './checkout-token.service';

const OLD = 'old-checkout-secret-0123456789abcdefghij';
const NEW = 'new-checkout-secret-0123456789abcdefghij';
const RECORD = '2b1f4d8e-8b0a-4c55-9d2e-3f6a7b8c9d01';

const service = (secrets: string, ttlHours = '168') =>
  new CheckoutTokenService(
    loadAppConfig({
      CHECKOUT_TOKEN_SECRET: secrets,
      CHECKOUT_SESSION_TTL_HOURS: ttlHours,
      CHECKOUT_PUBLIC_URL: 'https://pay.example.com/',
    }),
  );

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
}

describe('CheckoutTokenService', () => {
  it('issues a link under CHECKOUT_PUBLIC_URL/c/ whose token verifies to the same claims', async () => {
    const tokens = service(NEW);
    const link = await tokens.issue({ recordId: RECORD, mode: 'subscribe', planCode: 'pro-monthly' });
    expect(link.url).toBe(`https://pay.example.com/c/${link.token}`);
    const claims = await tokens.verify(link.token);
    expect(claims).toMatchObject({ recordId: RECORD, mode: 'subscribe', planCode: 'pro-monthly' });
    expect(claims.sessionId).toBe(link.sessionId);
    expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).toBe(168 * 3600 * 1000);
  });

  it('names its key: during rotation links signed with the old secret still verify, new ones use the first', async () => {
    const before = await service(OLD).issue({ recordId: RECORD, mode: 'update_card' });
    const rotating = service(`${NEW},${OLD}`);
    expect((await rotating.verify(before.token)).mode).toBe('update_card');
    const after = await rotating.issue({ recordId: RECORD, mode: 'update_card' });
    const header = JSON.parse(Buffer.from(after.token.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'HS256', kid: checkoutKeyId(NEW) });
    // Once the old secret is dropped its links stop working.
    expect(await codeOf(service(NEW).verify(before.token))).toBe('checkout_session_not_found');
  });

  it('refuses tampered, truncated, garbage and alg-none tokens with checkout_session_not_found', async () => {
    const tokens = service(NEW);
    const { token } = await tokens.issue({ recordId: RECORD, mode: 'subscribe', planCode: 'basic' });
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const swapped = Buffer.from(JSON.stringify({ ...payload, mode: 'update_card' })).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: checkoutKeyId(NEW) })).toString('base64url');
    for (const bad of [`${h}.${swapped}.${s}`, `${h}.${p}.`, `${none}.${p}.`, 'garbage', `${token}x`, '']) {
      expect(await codeOf(tokens.verify(bad))).toBe('checkout_session_not_found');
    }
  });

  it('answers checkout_session_expired only for an authentic token past its expiry', async () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const tokens = service(NEW, '1');
      const { token } = await tokens.issue({ recordId: RECORD, mode: 'subscribe', planCode: 'basic' });
      jest.setSystemTime(Date.now() + 2 * 3600 * 1000);
      expect(await codeOf(tokens.verify(token))).toBe('checkout_session_expired');
      const [h, p, s] = token.split('.');
      expect(await codeOf(tokens.verify(`${h}.${p}.${s.slice(0, -3)}abc`))).toBe(
        'checkout_session_not_found',
      );
    } finally {
      jest.useRealTimers();
    }
  });
});
