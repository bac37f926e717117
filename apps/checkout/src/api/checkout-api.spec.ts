import { apiError, json, SESSION_URL, sessionView, stubFetch, TOKEN } from '../testing/checkout-fixtures';
import { CheckoutApiError, createCheckoutApi } from './checkout-api';

const api = createCheckoutApi('http://localhost:3000/');
afterEach(() => vi.unstubAllGlobals());

describe('checkout API client', () => {
  it('gets the session and asks for a client token', async () => {
    stubFetch({
      [`GET ${SESSION_URL}`]: () => json(200, sessionView()),
      [`POST ${SESSION_URL}/client-token`]: () => json(200, { clientToken: 'ct' }),
    });
    await expect(api.getSession(TOKEN)).resolves.toMatchObject({ mode: 'subscribe' });
    await expect(api.createClientToken(TOKEN)).resolves.toBe('ct');
  });

  it('turns the error body into a CheckoutApiError with status, code, message and details', async () => {
    stubFetch({
      [`GET ${SESSION_URL}`]: () =>
        apiError(409, 'checkout_session_completed', 'Already done', { mode: 'subscribe' }),
    });
    const error = await api.getSession(TOKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckoutApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'checkout_session_completed',
      message: 'Already done',
      details: { mode: 'subscribe' },
    });
  });

  it('copes with an error answer that is not JSON', async () => {
    stubFetch({
      [`GET ${SESSION_URL}`]: () =>
        new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    await expect(api.getSession(TOKEN)).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(api.getSession(TOKEN)).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
