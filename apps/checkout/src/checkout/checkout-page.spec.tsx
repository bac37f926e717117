import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../app/app';
import { CardFieldsError, type CardFields, type CardTokenization } from '../card-fields/card-fields';
import {
  apiError,
  deferred,
  json,
  SESSION_URL,
  sessionView,
  stubFetch,
  summary,
  TOKEN,
} from '../testing/checkout-fixtures';

// The page is tested against a fake adapter; the adapters have their own specs.
const fake = vi.hoisted(() => ({
  mount: vi.fn<CardFields['mount']>(),
  tokenize: vi.fn<CardFields['tokenize']>(),
  teardown: vi.fn<CardFields['teardown']>(),
}));
vi.mock('../card-fields/load-card-fields', () => ({
  loadCardFields: vi.fn(async () => fake),
  preloadCardFields: vi.fn(),
}));

const COMPLETE = `POST ${SESSION_URL}/complete`;
const GET = `GET ${SESSION_URL}`;
const visa: CardTokenization = { nonce: 'tokencc_1', details: { cardType: 'Visa', lastFour: '1111' } };

const renderPage = () => render(<App pathname={`/c/${TOKEN}`} />);
const payButton = () => screen.getByRole('button', { name: /subscribe|update card|try again|processing/i });
async function formReady() {
  await waitFor(() => expect(payButton()).toBeEnabled());
}
const submit = () => fireEvent.click(payButton());

beforeEach(() => {
  fake.mount.mockReset().mockResolvedValue(undefined);
  fake.tokenize.mockReset().mockResolvedValue(visa);
  fake.teardown.mockReset().mockResolvedValue(undefined);
});
afterEach(() => vi.unstubAllGlobals());

describe('checkout page states', () => {
  it('shows a loading status until the session answers', async () => {
    const session = deferred<Response>();
    stubFetch({ [GET]: () => session.promise });
    renderPage();
    expect(screen.getByRole('status')).toHaveTextContent('Loading your checkout');
    await act(async () => session.resolve(json(200, sessionView())));
    expect(await screen.findByRole('heading', { level: 1, name: 'Subscribe' })).toBeInTheDocument();
  });

  it('says the link is not valid on 404 (unknown or tampered token)', async () => {
    stubFetch({ [GET]: () => apiError(404, 'checkout_session_not_found') });
    renderPage();
    expect(await screen.findByRole('heading', { name: 'This link is not valid' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('not valid');
  });

  it('says the link expired on 410', async () => {
    stubFetch({ [GET]: () => apiError(410, 'checkout_session_expired') });
    renderPage();
    expect(await screen.findByRole('heading', { name: 'This link has expired' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('ask us for a new link');
  });

  it('shows the summary of an already completed checkout on 409', async () => {
    stubFetch({ [GET]: () => apiError(409, 'checkout_session_completed', 'done', summary()) });
    renderPage();
    expect(await screen.findByRole('heading', { name: 'Already completed' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('already completed on December 1, 2026');
    expect(screen.getByText('Pro')).toBeInTheDocument();
    expect(screen.getByText('$49.00')).toBeInTheDocument();
    expect(screen.getByText('Visa ending in 1111')).toBeInTheDocument();
  });

  it.each([
    [0, 'could not reach the checkout service'],
    [503, 'temporarily unavailable'],
    [429, 'Too many attempts'],
  ])('announces a retryable error (status %i) and loads again on "Try again"', async (status, text) => {
    const fail = () =>
      status === 0 ? Promise.reject(new TypeError('Failed to fetch')) : apiError(status, 'x');
    stubFetch({ [GET]: [fail, () => json(200, sessionView())] });
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent(text);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Subscribe' })).toBeInTheDocument();
  });
});

describe('checkout form', () => {
  it('labels every field, prefills the customer and shows the plan', async () => {
    stubFetch({ [GET]: () => json(200, sessionView()) });
    renderPage();
    await formReady();
    expect(screen.getByLabelText('Name on card')).toHaveValue('Ada Lovelace');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.getByLabelText(/Company/)).toHaveValue('');
    expect(screen.getByLabelText(/Postal code/)).toHaveValue('');
    for (const label of ['Card number', 'Expiry date (MM/YY)', 'Security code (CVV)']) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(screen.getByRole('heading', { level: 2, name: 'Pro' })).toBeInTheDocument();
    expect(screen.getAllByText(/\$49\.00 per month/).length).toBeGreaterThan(0);
    expect(fake.mount).toHaveBeenCalledWith({
      number: 'card-number',
      expirationDate: 'card-expiry',
      cvv: 'card-cvv',
    });
  });

  it('uses "Update your card" wording and no price in update_card mode', async () => {
    stubFetch({ [GET]: () => json(200, sessionView({ mode: 'update_card' })) });
    renderPage();
    await formReady();
    expect(screen.getByRole('heading', { level: 1, name: 'Update your card' })).toBeInTheDocument();
    expect(payButton()).toHaveTextContent('Update card');
    expect(screen.getByText('Pro')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(/subscribe|\$49|per month|until you cancel/i);
  });

  it('completes: tokenizes, sends the nonce and billing details, shows the summary', async () => {
    const fetchMock = stubFetch({
      [GET]: () => json(200, sessionView()),
      [COMPLETE]: () => json(200, { state: 'completed', summary: summary() }),
    });
    renderPage();
    await formReady();
    fireEvent.change(screen.getByLabelText(/Postal code/), { target: { value: '10115' } });
    submit();
    expect(await screen.findByRole('heading', { name: 'You are subscribed' })).toBeInTheDocument();
    expect(screen.getByText('Visa ending in 1111')).toBeInTheDocument();
    expect(screen.getByText('$49.00')).toBeInTheDocument();
    expect(fake.tokenize).toHaveBeenCalledWith({
      cardholderName: 'Ada Lovelace',
      email: 'ada@example.com',
      amount: '49.00',
      postalCode: '10115',
    });
    const [, init] = fetchMock.mock.calls.find(([url]) => String(url).endsWith('/complete'))!;
    expect(JSON.parse(String(init?.body))).toEqual({
      nonce: 'tokencc_1',
      billing: { name: 'Ada Lovelace', email: 'ada@example.com', postalCode: '10115' },
    });
  });

  it('disables the pay button and marks it busy while processing', async () => {
    const completion = deferred<Response>();
    stubFetch({ [GET]: () => json(200, sessionView()), [COMPLETE]: () => completion.promise });
    renderPage();
    await formReady();
    submit();
    await waitFor(() => expect(payButton()).toBeDisabled());
    expect(payButton()).toHaveAttribute('aria-busy', 'true');
    expect(payButton()).toHaveTextContent('Processing');
    expect(screen.getByRole('status')).toHaveTextContent('Processing your payment');
    fireEvent.submit(payButton().closest('form')!);
    expect(fake.tokenize).toHaveBeenCalledTimes(1);
    await act(async () => completion.resolve(json(200, { state: 'completed', summary: summary() })));
    expect(await screen.findByRole('heading', { name: 'You are subscribed' })).toBeInTheDocument();
  });

  it('announces a decline, keeps the form usable and succeeds on retry', async () => {
    stubFetch({
      [GET]: () => json(200, sessionView()),
      [COMPLETE]: [
        () => apiError(402, 'card_declined', 'Your bank declined the card (Do Not Honor).'),
        () =>
          json(200, {
            state: 'completed',
            summary: summary({ card: { type: 'MasterCard', last4: '4444' } }),
          }),
      ],
    });
    renderPage();
    await formReady();
    submit();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your card was declined.');
    expect(alert).toHaveTextContent('Your bank declined the card (Do Not Honor).');
    expect(payButton()).toHaveTextContent('Try again');
    expect(payButton()).toBeEnabled();
    expect(fake.teardown).not.toHaveBeenCalled();
    submit();
    expect(await screen.findByRole('heading', { name: 'You are subscribed' })).toBeInTheDocument();
    expect(screen.getByText('MasterCard ending in 4444')).toBeInTheDocument();
    expect(fake.tokenize).toHaveBeenCalledTimes(2);
  });

  it('announces card field errors from the adapter and marks the fields', async () => {
    fake.tokenize.mockRejectedValueOnce(new CardFieldsError('invalid_fields', ['number', 'cvv']));
    stubFetch({ [GET]: () => json(200, sessionView()) });
    renderPage();
    await formReady();
    submit();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Please check your card number and security code.',
    );
    expect(screen.getByLabelText('Card number')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Expiry date (MM/YY)')).not.toHaveAttribute('aria-invalid');
    expect(payButton()).toBeEnabled();
  });

  it('checks the billing details before tokenizing', async () => {
    stubFetch({ [GET]: () => json(200, sessionView({ customer: { name: 'Ada' } })) });
    renderPage();
    await formReady();
    fireEvent.change(screen.getByLabelText('Name on card'), { target: { value: ' ' } });
    submit();
    expect(await screen.findByRole('alert')).toHaveTextContent('Please correct the highlighted details.');
    expect(screen.getByLabelText('Name on card')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/Enter an email address/);
    expect(screen.getByLabelText('Name on card')).toHaveFocus();
    expect(fake.tokenize).not.toHaveBeenCalled();
  });

  it.each([
    [409, 'checkout_session_completed', 'Already completed'],
    [410, 'checkout_session_expired', 'This link has expired'],
    [404, 'checkout_session_not_found', 'This link is not valid'],
  ])('ends the checkout when completing answers %i', async (status, code, heading) => {
    stubFetch({
      [GET]: () => json(200, sessionView()),
      [COMPLETE]: () => apiError(status, code, code, summary()),
    });
    renderPage();
    await formReady();
    submit();
    expect(await screen.findByRole('heading', { level: 1, name: heading })).toBeInTheDocument();
  });

  it.each([
    [503, 'upstream_unavailable', 'temporarily unavailable'],
    [429, 'rate_limited', 'Too many attempts'],
    [422, 'payment_method_invalid', 'enter your card again'],
    [409, 'checkout_in_progress', 'already being processed'],
  ])('announces a retryable completion error (%i %s)', async (status, code, text) => {
    stubFetch({ [GET]: () => json(200, sessionView()), [COMPLETE]: () => apiError(status, code) });
    renderPage();
    await formReady();
    submit();
    expect(await screen.findByRole('alert')).toHaveTextContent(text);
    expect(payButton()).toBeEnabled();
  });

  it('says the bank did not confirm the card when the API requires a 3-D Secure liability shift', async () => {
    stubFetch({
      [GET]: () => json(200, sessionView()),
      [COMPLETE]: () =>
        apiError(422, 'payment_method_invalid', 'refused', {
          reason: 'three_d_secure_required',
          threeDSecure: null,
        }),
    });
    renderPage();
    await formReady();
    submit();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Your bank did not confirm this card. Please try again, or use a different card.',
    );
    expect(payButton()).toBeEnabled();
  });

  it('offers to reload card fields that failed to load', async () => {
    fake.mount.mockRejectedValueOnce(new CardFieldsError('load_failed'));
    stubFetch({ [GET]: () => json(200, sessionView()) });
    renderPage();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('secure card form could not be loaded');
    expect(payButton()).toBeDisabled();
    fireEvent.click(within(alert).getByRole('button', { name: 'Reload card fields' }));
    await formReady();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('ends the checkout when the client token call finds the session expired', async () => {
    const { CheckoutApiError } = await import('../api/checkout-api');
    fake.mount.mockRejectedValue(new CheckoutApiError(410, 'checkout_session_expired', 'expired'));
    stubFetch({ [GET]: () => json(200, sessionView()) });
    renderPage();
    expect(await screen.findByRole('heading', { name: 'This link has expired' })).toBeInTheDocument();
  });
});
