import { RunningEmulator } from '@aia/sandbox-kit';
import { createZohoEmulator, ZohoEmulator } from '@aia/sandbox-zoho';
import { HttpRequest, requestJson, UpstreamError } from '@aia/platform';
import { resolveApiBaseUrl, ZohoTokenProvider, ZohoTokenProviderOptions } from './zoho-token.provider';

describe('resolveApiBaseUrl', () => {
  it('uses api_domain plus the configured path in live mode, the configured URL in sandbox or without api_domain', () => {
    expect(resolveApiBaseUrl('live', 'https://www.zohoapis.com/billing/v1', 'https://www.zohoapis.eu')).toBe(
      'https://www.zohoapis.eu/billing/v1',
    );
    expect(
      resolveApiBaseUrl('live', 'https://www.zohoapis.com/billing/v1/', 'https://www.zohoapis.eu/'),
    ).toBe('https://www.zohoapis.eu/billing/v1');
    expect(resolveApiBaseUrl('sandbox', 'http://zoho:4020/billing/v1', 'http://127.0.0.1:4020')).toBe(
      'http://zoho:4020/billing/v1',
    );
    expect(resolveApiBaseUrl('live', 'https://www.zohoapis.com/billing/v1', undefined)).toBe(
      'https://www.zohoapis.com/billing/v1',
    );
  });
});

describe('ZohoTokenProvider against the Zoho emulator', () => {
  let emulator: ZohoEmulator;
  let running: RunningEmulator;
  let calls: HttpRequest[];
  let nowMs: number;

  const provider = (overrides: Partial<ZohoTokenProviderOptions> = {}) =>
    new ZohoTokenProvider(
      {
        mode: 'live',
        accountsUrl: running.url,
        apiUrl: 'https://configured.example/billing/v1',
        clientId: emulator.credentials.clientId,
        clientSecret: emulator.credentials.clientSecret,
        refreshToken: emulator.credentials.refreshToken,
        now: () => nowMs,
        ...overrides,
      },
      (req) => {
        calls.push(req);
        return requestJson(req);
      },
    );

  beforeEach(async () => {
    emulator = createZohoEmulator({ accessTokenTtlSeconds: 3600 });
    running = await emulator.listen(0);
    calls = [];
    nowMs = 1_000_000;
  });
  afterEach(() => running.close());

  it('refreshes with the refresh-token grant as a form, caches the token and uses api_domain in live mode', async () => {
    const p = provider();
    const token = await p.getToken();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/oauth/v2/token',
      form: { grant_type: 'refresh_token' },
    });
    expect(token.apiBaseUrl).toBe(`${running.url}/billing/v1`);
    expect(token.expiresAtMs).toBe(1_000_000 + 3_600_000);
    expect((await p.getToken()).accessToken).toBe(token.accessToken);
    expect(p.refreshCount).toBe(1);
  });

  it('keeps the configured URL in sandbox mode', async () => {
    const token = await provider({ mode: 'sandbox' }).getToken();
    expect(token.apiBaseUrl).toBe('https://configured.example/billing/v1');
  });

  it('refreshes before expiry, inside the margin', async () => {
    const p = provider({ refreshMarginMs: 60_000 });
    const first = await p.getToken();
    nowMs += 3_600_000 - 61_000;
    expect((await p.getToken()).accessToken).toBe(first.accessToken);
    nowMs += 2_000;
    expect((await p.getToken()).accessToken).not.toBe(first.accessToken);
    expect(p.refreshCount).toBe(2);
  });

  it('makes one refresh for fifty concurrent callers with no token', async () => {
    const p = provider();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => p.getToken()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('after a 401 refreshes once, and callers holding the old token get the new one without another refresh', async () => {
    const p = provider();
    const old = await p.getToken();
    const renewed = await Promise.all(
      Array.from({ length: 20 }, () => p.refreshAfterUnauthorized(old.accessToken)),
    );
    expect(new Set(renewed.map((t) => t.accessToken)).size).toBe(1);
    expect(renewed[0].accessToken).not.toBe(old.accessToken);
    expect(await p.refreshAfterUnauthorized(old.accessToken)).toBe(renewed[0]);
    expect(p.refreshCount).toBe(2);
  });

  it.each([
    [{ refreshToken: 'revoked' }, 'invalid_code'],
    [{ clientId: 'wrong' }, 'invalid_client'],
  ])('turns Zoho refusals (HTTP 200 {"error"}) into permanent auth errors: %j', async (override, code) => {
    const err = await provider(override)
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'auth', upstream: { code } });
    expect((err as UpstreamError).temporary).toBe(false);
  });

  it('reports a 5xx from accounts as temporary, and lets a later call succeed', async () => {
    await emulator.server.app.inject({
      method: 'PUT',
      url: '/__sandbox/faults',
      payload: { errorRate: 1, maxFaults: 1 },
    });
    const p = provider();
    const err = await p.getToken().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable' });
    await expect(p.getToken()).resolves.toMatchObject({ accessToken: expect.stringMatching(/^1000\./) });
  });
});
