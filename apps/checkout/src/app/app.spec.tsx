import { render, screen } from '@testing-library/react';
import { json, SESSION_URL, sessionView, stubFetch, TOKEN } from '../testing/checkout-fixtures';
import { App, isOpsPath } from './app';

vi.mock('../card-fields/load-card-fields', () => ({
  preloadCardFields: vi.fn(),
  loadCardFields: vi.fn(async () => ({
    mount: async () => undefined,
    tokenize: vi.fn(),
    teardown: async () => undefined,
  })),
}));

afterEach(() => vi.unstubAllGlobals());

describe('app routing', () => {
  it('shows the invalid-link message at the root, without calling the API', () => {
    const fetchMock = stubFetch({});
    render(<App pathname="/" />);
    expect(screen.getByRole('heading', { level: 1, name: 'This link is not valid' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('open the link from your email again');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('treats a malformed token as an invalid link', () => {
    const fetchMock = stubFetch({});
    render(<App pathname="/c/%3Cscript%3E" />);
    expect(screen.getByRole('heading', { name: 'This link is not valid' })).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('loads the session of /c/<token>', async () => {
    const fetchMock = stubFetch({ [`GET ${SESSION_URL}`]: () => json(200, sessionView()) });
    render(<App pathname={`/c/${TOKEN}`} />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Subscribe' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(SESSION_URL, expect.anything());
  });

  it('loads the operations page (its own chunk) under /ops, asking for the admin token first', async () => {
    sessionStorage.clear();
    const fetchMock = stubFetch({});
    render(<App pathname="/ops" />);
    expect(await screen.findByLabelText('Admin token')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Operations' })).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('keeps /ops-like paths that are not the operations page on the checkout side', () => {
    expect(isOpsPath('/ops')).toBe(true);
    expect(isOpsPath('/ops/')).toBe(true);
    expect(isOpsPath('/opsx')).toBe(false);
    expect(isOpsPath('/c/ops')).toBe(false);
  });
});
