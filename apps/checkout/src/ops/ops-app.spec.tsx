import { fireEvent, render, screen, within } from '@testing-library/react';
import OpsApp, { TOKEN_KEY } from './ops-app';
import { ADMIN, ADMIN_TOKEN, apiError, histogram, json, platforms, stats, stubFetch } from './ops-fixtures';

const overviewRoutes = {
  [`GET ${ADMIN}/stats`]: () => json(200, stats()),
  [`GET ${ADMIN}/events/histogram?hours=24`]: () => json(200, histogram()),
  [`GET ${ADMIN}/platforms`]: () => json(200, platforms()),
};

beforeEach(() => sessionStorage.clear());
afterEach(() => vi.unstubAllGlobals());

function signIn(token = ADMIN_TOKEN) {
  fireEvent.change(screen.getByLabelText('Admin token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('operations page: signing in and out', () => {
  it('asks for the admin token first, without calling the API', () => {
    const fetchMock = stubFetch({});
    render(<OpsApp />);
    expect(screen.getByRole('heading', { level: 1, name: 'Operations' })).toBeInTheDocument();
    expect(screen.getByLabelText('Admin token')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Admin token')).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses an empty token', async () => {
    stubFetch({});
    render(<OpsApp />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the admin token.');
  });

  it('says so when the API refuses the token, and keeps nothing', async () => {
    stubFetch({
      [`GET ${ADMIN}/stats`]: () => apiError(401, 'unauthorized', 'A valid admin bearer token is required'),
    });
    render(<OpsApp />);
    signIn('wrong-token');
    expect(await screen.findByRole('alert')).toHaveTextContent('That token was refused');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(screen.getByLabelText('Admin token')).toHaveFocus();
  });

  it('signs in with the token as a bearer header (never in a URL), keeps it for the tab, shows the overview', async () => {
    const fetchMock = stubFetch(overviewRoutes);
    render(<OpsApp />);
    signIn();
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe(ADMIN_TOKEN);
    for (const [url, init] of fetchMock.mock.calls) {
      expect(String(url)).not.toContain(ADMIN_TOKEN);
      expect((init?.headers as Record<string, string>).authorization).toBe(`Bearer ${ADMIN_TOKEN}`);
    }
    expect(window.location.href).not.toContain(ADMIN_TOKEN);
    expect(await screen.findByTestId('dead-letters')).toHaveTextContent('2');
  });

  it('signs out: the token is forgotten and the form comes back', async () => {
    sessionStorage.setItem(TOKEN_KEY, ADMIN_TOKEN);
    stubFetch(overviewRoutes);
    render(<OpsApp />);
    await screen.findByTestId('dead-letters');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByLabelText('Admin token')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('You are signed out.');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('goes back to sign-in with a message when a request answers 401 (token changed on the server)', async () => {
    sessionStorage.setItem(TOKEN_KEY, 'old-token');
    const refused = () => apiError(401, 'unauthorized', 'A valid admin bearer token is required');
    stubFetch({
      [`GET ${ADMIN}/stats`]: refused,
      [`GET ${ADMIN}/events/histogram?hours=24`]: refused,
      [`GET ${ADMIN}/platforms`]: refused,
    });
    render(<OpsApp />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The API refused the admin token');
    expect(screen.getByLabelText('Admin token')).toBeInTheDocument();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('switches sections in place and moves focus to the section heading', async () => {
    sessionStorage.setItem(TOKEN_KEY, ADMIN_TOKEN);
    stubFetch({
      ...overviewRoutes,
      [`GET ${ADMIN}/events?state=dead&limit=100`]: () =>
        json(200, { items: [], total: 0, limit: 100, offset: 0 }),
      [`GET ${ADMIN}/events?limit=25&offset=0`]: () =>
        json(200, { items: [], total: 0, limit: 25, offset: 0 }),
    });
    render(<OpsApp />);
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(within(nav).getByRole('button', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
    fireEvent.click(within(nav).getByRole('button', { name: 'Events' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Events' })).toHaveFocus();
    expect(within(nav).getByRole('button', { name: 'Events' })).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByText('No events match.')).toBeInTheDocument();
  });
});

describe('operations page: overview', () => {
  it('shows counts, dead letters, the oldest pending age, platform health and the chart', async () => {
    sessionStorage.setItem(TOKEN_KEY, ADMIN_TOKEN);
    stubFetch(overviewRoutes);
    render(<OpsApp />);
    expect(await screen.findByTestId('dead-letters')).toHaveTextContent('2');
    expect(screen.getByText('Oldest pending').nextSibling).toHaveTextContent('2 min');
    expect(screen.getByRole('table', { name: /Events by state/ })).toHaveTextContent('40');

    const zoho = await screen.findByRole('article', { name: 'Zoho Billing' });
    expect(zoho).toHaveTextContent('Open (calls stopped)');
    expect(zoho).toHaveTextContent('invoices.get: unavailable (HTTP 503)');
    expect(zoho).toHaveTextContent('60 of 100 left per 1 min');
    expect(screen.getByRole('article', { name: 'Attio' })).toHaveTextContent('97 of 100 left per 1 s');
    expect(screen.getByRole('article', { name: 'Braintree' })).toHaveTextContent('no client-side limit');
    expect(screen.getByText(/role/)).toHaveTextContent('role all, process 4242');

    const chart = await screen.findByRole('img', { name: /Events received per hour/ });
    expect(chart).toHaveAccessibleDescription(/the most, 8, at 10:00/);
  });

  it('opens the dead letters from the overview', async () => {
    sessionStorage.setItem(TOKEN_KEY, ADMIN_TOKEN);
    const fetchMock = stubFetch({
      ...overviewRoutes,
      [`GET ${ADMIN}/events?state=dead&limit=25&offset=0`]: () =>
        json(200, { items: [], total: 0, limit: 25, offset: 0 }),
    });
    render(<OpsApp />);
    fireEvent.click(await screen.findByRole('button', { name: 'Review dead letters' }));
    expect(screen.getByLabelText('State')).toHaveValue('dead');
    expect(await screen.findByRole('heading', { name: 'Dead letter events (0)' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(`${ADMIN}/events?state=dead&limit=25&offset=0`, expect.anything());
  });

  it('shows one failing part without hiding the others', async () => {
    sessionStorage.setItem(TOKEN_KEY, ADMIN_TOKEN);
    stubFetch({
      ...overviewRoutes,
      [`GET ${ADMIN}/platforms`]: () => apiError(503, 'unavailable', 'Platforms are resting'),
    });
    render(<OpsApp />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Platforms are resting (HTTP 503)');
    expect(await screen.findByTestId('dead-letters')).toHaveTextContent('2');
  });
});
