import { createBraintreeHostedFields } from './braintree-hosted-fields.adapter';

// In the browser build, braintree-web's CommonJS subpaths arrive as `{ default: { create, VERSION } }`
// (checked in Chromium against the built chunks); the adapter must find `create` there too.
const created = vi.hoisted(() => ({
  client: { teardown: vi.fn() },
  hostedFields: {
    tokenize: vi.fn(async () => ({
      nonce: 'n',
      details: { bin: '411111', cardType: 'Visa', lastFour: '1111' },
    })),
    teardown: vi.fn(),
  },
}));
vi.mock('braintree-web/client', () => ({ default: { create: vi.fn(async () => created.client) } }));
vi.mock('braintree-web/hosted-fields', () => ({
  default: { create: vi.fn(async () => created.hostedFields) },
}));
vi.mock('braintree-web/three-d-secure', () => ({ default: { create: vi.fn() } }));

it('uses create() from the default export of a CommonJS module', async () => {
  const fields = createBraintreeHostedFields({ getClientToken: async () => 'ct', threeDSecure: 'off' });
  await fields.mount({ number: 'a', expirationDate: 'b', cvv: 'c' });
  await expect(
    fields.tokenize({ cardholderName: 'A', email: 'a@example.com', amount: '1.00' }),
  ).resolves.toMatchObject({ nonce: 'n' });
});
