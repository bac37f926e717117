import { readCheckoutToken } from './read-checkout-token';

describe('readCheckoutToken', () => {
  it('reads the token of /c/<token>', () => {
    expect(readCheckoutToken('/c/abcdefghijklmnop.qrs')).toBe('abcdefghijklmnop.qrs');
    expect(readCheckoutToken('/c/abcdefghijklmnop.qrs/')).toBe('abcdefghijklmnop.qrs');
  });

  it.each([
    '/',
    '/c/',
    '/c/short',
    '/c/abcdefghijklmnop/extra',
    '/x/abcdefghijklmnop.qrs',
    '/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    '/c/%E0%A4%A',
  ])('rejects %s', (path) => expect(readCheckoutToken(path)).toBeNull());
});
