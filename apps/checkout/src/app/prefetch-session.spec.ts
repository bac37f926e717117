import type { CheckoutApi } from '../api/checkout-api';
import { sessionView } from '../testing/checkout-fixtures';
import { prefetchingApi } from './prefetch-session';

vi.mock('../card-fields/load-card-fields', () => ({ preloadCardFields: vi.fn(), loadCardFields: vi.fn() }));

function fakeApi() {
  return {
    getSession: vi.fn(async () => sessionView()),
    createClientToken: vi.fn(),
    complete: vi.fn(),
  } satisfies CheckoutApi;
}

describe('prefetchingApi', () => {
  it('sends the session request at once and hands that answer to the first caller only', async () => {
    const api = fakeApi();
    const prefetching = prefetchingApi(api, 'token-1234567890ab');
    expect(api.getSession).toHaveBeenCalledTimes(1);
    await expect(prefetching.getSession('token-1234567890ab')).resolves.toMatchObject({ mode: 'subscribe' });
    expect(api.getSession).toHaveBeenCalledTimes(1);
    await prefetching.getSession('token-1234567890ab');
    expect(api.getSession).toHaveBeenCalledTimes(2);
    const { preloadCardFields } = await import('../card-fields/load-card-fields');
    expect(preloadCardFields).toHaveBeenCalledWith('sandbox');
  });

  it('sends nothing without a token', () => {
    const api = fakeApi();
    expect(prefetchingApi(api, null)).toBe(api);
    expect(api.getSession).not.toHaveBeenCalled();
  });

  it('keeps a failed prefetch for the first caller without an unhandled rejection', async () => {
    const api = fakeApi();
    api.getSession.mockRejectedValueOnce(new Error('offline'));
    const prefetching = prefetchingApi(api, 'token-1234567890ab');
    await new Promise((r) => setTimeout(r, 0));
    await expect(prefetching.getSession('token-1234567890ab')).rejects.toThrow('offline');
  });
});
