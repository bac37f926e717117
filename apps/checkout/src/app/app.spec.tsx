import { render, screen } from '@testing-library/react';
import { App, readCheckoutToken } from './app';

describe('checkout page', () => {
  it('asks for a valid link when the token is missing', () => {
    render(<App search="" />);
    expect(screen.getByRole('alert')).toHaveTextContent('missing or incomplete');
  });

  it('starts the checkout when the link carries a token', () => {
    render(<App search="?token=eyJhbGciOiJIUzI1NiJ9.payload.sig" />);
    expect(screen.getByRole('status')).toHaveTextContent('Preparing your secure checkout');
  });

  it('rejects tokens with unexpected characters', () => {
    expect(readCheckoutToken('?token=<script>alert(1)</script>')).toBeNull();
    expect(readCheckoutToken('?token=short')).toBeNull();
    expect(readCheckoutToken('?token=abcdefghijklmnop.qrs')).toBe('abcdefghijklmnop.qrs');
  });
});
