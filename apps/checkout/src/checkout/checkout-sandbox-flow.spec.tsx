import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../app/app';
import {
  apiError,
  json,
  SESSION_URL,
  sessionView,
  stubFetch,
  summary,
  TOKEN,
} from '../testing/checkout-fixtures';

// The whole page with the real sandbox adapter (only fetch is stubbed): decline, then retry with another card.
const TOKENIZE = 'POST http://sandbox.test/__sandbox/tokenize';
const tokenized = (lastFour: string) => () =>
  json(200, { nonce: `tokencc_${lastFour}`, type: 'CreditCard', details: { cardType: 'Visa', lastFour } });

afterEach(() => vi.unstubAllGlobals());

function typeCard(number: string) {
  fireEvent.change(screen.getByLabelText('Card number'), { target: { value: number } });
  fireEvent.change(screen.getByLabelText('Expiry date (MM/YY)'), { target: { value: '12/30' } });
  fireEvent.change(screen.getByLabelText('Security code (CVV)'), { target: { value: '123' } });
}

describe('checkout with sandbox card fields', () => {
  it('shows the sandbox banner, survives a decline and completes with another card', async () => {
    const fetchMock = stubFetch({
      [`GET ${SESSION_URL}`]: () => json(200, sessionView()),
      [TOKENIZE]: [tokenized('1115'), tokenized('1111')],
      [`POST ${SESSION_URL}/complete`]: [
        () => apiError(402, 'card_declined', 'Your bank declined the card.'),
        () => json(200, { state: 'completed', summary: summary() }),
      ],
    });
    render(<App pathname={`/c/${TOKEN}`} />);
    expect(await screen.findByRole('note')).toHaveTextContent('Sandbox: no real card is charged');
    expect(screen.getByRole('note')).toHaveTextContent('4111 1111 1111 1111 approved');
    expect(screen.getByRole('note')).toHaveTextContent('4000 1111 1111 1115 declined');
    await waitFor(() => expect(screen.getByLabelText('Card number')).toBeEnabled());

    typeCard('4000 1111 1111 1115');
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your bank declined the card.');
    expect(screen.getByLabelText('Card number')).toHaveValue('');

    typeCard('4111 1111 1111 1111');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'You are subscribed' })).toBeInTheDocument();

    // Card numbers go to the tokenize endpoint only; the API sees nonces.
    const bodies = fetchMock.mock.calls.map(([url, init]) => [String(url), String(init?.body ?? '')]);
    for (const [url, body] of bodies) {
      if (!url.includes('__sandbox')) expect(body).not.toMatch(/4111|4000 1111/);
    }
    expect(bodies.filter(([url]) => url.endsWith('/complete')).map(([, b]) => JSON.parse(b).nonce)).toEqual([
      'tokencc_1115',
      'tokencc_1111',
    ]);
  });
});
