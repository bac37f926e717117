/*
 * Logs hold no secrets: the whole money path in-process (Attio trigger → checkout with a sandbox card → first
 * invoice paid; a webhook of each platform; a card update; admin calls with and without the token) with the
 * API logging at LOG_LEVEL=trace, every line captured, then searched for every secret the run used.
 *
 * Capture: NODE_ENV=production makes LoggingModule write JSON lines to `pino.destination(...)` (stdout);
 * that function is swapped for an in-memory stream, so the lines are exactly what production would print.
 * console.* is captured too, in case anything bypasses pino.
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ADMIN_TOKEN, eventually, startApiStack } from '../testing/api-stack';
import type { ApiStack } from '../testing/api-stack';
import {
  api,
  complete,
  createCompany,
  paidInvoices,
  recordValues,
  requestCheckout,
  successfulSalesFor,
  tokenizeCard,
  tokenOf,
} from '../testing/flow.fixtures';

jest.setTimeout(90_000);

const JWT = /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g;

describe('logs hold no secrets (LOG_LEVEL=trace, a full run)', () => {
  let stack: ApiStack;
  const lines: string[] = [];
  const jwts = new Set<string>();
  const clientTokens: string[] = [];
  const cardNumbers = ['4111111111111111', '5555555555554444', '4000111111111115'];

  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(l);
      done();
    },
  });

  beforeAll(async () => {
    jest.spyOn(pino, 'destination').mockReturnValue(sink as unknown as ReturnType<typeof pino.destination>);
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(
          `console.${method}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
        );
      });
    }
    stack = await startApiStack({
      env: { NODE_ENV: 'production', INTEGRATION_MODE: 'sandbox', LOG_LEVEL: 'trace' },
    });

    // 1. The Attio trigger (Attio webhook) → a signed link; the customer opens it, asks for a client token,
    //    a first card is declined, a second is accepted; Zoho's invoice_created webhook → the first invoice paid.
    const recordId = await createCompany(stack, 'Secretive Ltd');
    const token = await requestCheckout(stack, recordId);
    jwts.add(token);
    expect((await api(stack, 'GET', `/checkout/sessions/${token}`)).status).toBe(200);
    const ct = await api(stack, 'POST', `/checkout/sessions/${token}/client-token`);
    clientTokens.push(ct.body['clientToken'] as string);
    const declined = await complete(stack, token, await tokenizeCard(stack, '4000111111111115'));
    expect(declined.status).toBe(402);
    const paid = await complete(stack, token, await tokenizeCard(stack, '4111 1111 1111 1111'));
    expect(paid.status).toBe(200);
    const zohoCustomerId = recordValues(stack, recordId)['zoho_customer_id'] as string;
    const [invoice] = await paidInvoices(stack, zohoCustomerId, 1);

    // 2. A Braintree webhook: a dispute on the sale.
    const sale = successfulSalesFor(stack, invoice.invoice_id)[0];
    const res = await fetch(`${stack.config.braintree.gatewayUrl}/__sandbox/disputes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transactionId: sale.id }),
    });
    expect(res.ok).toBe(true);
    await eventually(
      'the dispute on the record',
      () => recordValues(stack, recordId)['last_payment_status'] === 'disputed',
    );

    // 3. Admin: a card-update link made by hand (token in the header), used with another card.
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const link = await api(
      stack,
      'POST',
      '/admin/checkout-sessions',
      { record_id: recordId, mode: 'update_card' },
      auth,
    );
    expect(link.status).toBe(201);
    const updateToken = tokenOf(link.body['url'] as string);
    jwts.add(updateToken);
    const updated = await complete(stack, updateToken, await tokenizeCard(stack, '5555 5555 5555 4444'));
    expect(updated.status).toBe(200);
    expect((await api(stack, 'GET', '/admin/events?limit=5', undefined, auth)).status).toBe(200);
    expect((await api(stack, 'GET', '/admin/stats', undefined, auth)).status).toBe(200);

    // 4. Refusals: a wrong admin token, the admin token in a query string, a webhook with a bad signature.
    const wrong = { authorization: `Bearer ${ADMIN_TOKEN.replace(/.$/, 'x')}` };
    expect((await api(stack, 'GET', '/admin/stats', undefined, wrong)).status).toBe(401);
    expect((await api(stack, 'GET', `/admin/stats?token=${ADMIN_TOKEN}`)).status).toBe(401);
    const body = JSON.stringify({ events: [] });
    const badSignature = createHmac('sha256', 'not-the-secret').update(body).digest('hex');
    const rejected = await fetch(`${stack.apiUrl}/webhooks/attio`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'attio-signature': badSignature },
      body,
    });
    expect(rejected.status).toBe(401);

    // Let background work (Attio note writes, the card-update job) finish and flush its lines.
    await new Promise((r) => setTimeout(r, 500));
  });

  afterAll(async () => {
    await stack?.close();
    jest.restoreAllMocks();
  });

  const all = () => lines.join('\n');
  const found = (secret: string) => (secret && all().includes(secret) ? secret : undefined);

  it('captured the run at trace level (access lines, upstream attempts, workflow lines)', () => {
    const text = all();
    expect(lines.length).toBeGreaterThan(50);
    expect(text).toContain('"msg":"request completed"');
    expect(text).toContain('upstream attempt');
    expect(text).toMatch(/paid by transaction/);
  });

  it('contains no admin token, webhook secret, checkout secret or platform credential', () => {
    const { zoho } = stack;
    const secrets = {
      ADMIN_TOKEN,
      ATTIO_WEBHOOK_SECRET: stack.config.attio.webhookSecrets.join(','),
      ZOHO_WEBHOOK_SECRET: stack.config.zoho.webhookSecrets.join(','),
      CHECKOUT_TOKEN_SECRET: stack.config.checkout.tokenSecret,
      ATTIO_API_TOKEN: stack.config.attio.apiToken,
      BRAINTREE_PRIVATE_KEY: stack.config.braintree.privateKey,
      ZOHO_CLIENT_SECRET: stack.config.zoho.clientSecret,
      ZOHO_REFRESH_TOKEN: stack.config.zoho.refreshToken,
      ...Object.fromEntries([...zoho.state.tokens.keys()].map((t, i) => [`zoho access token ${i}`, t])),
    };
    expect(Object.keys(secrets).length).toBeGreaterThan(8); // at least one Zoho access token was issued
    const leaked = Object.entries(secrets).filter(([, v]) => found(v));
    expect(leaked.map(([k]) => k)).toEqual([]);
  });

  it('contains no checkout token issued during the run, and nothing shaped like a JWT', () => {
    expect(jwts.size).toBe(2);
    expect([...jwts].filter(found)).toEqual([]);
    expect(all().match(JWT) ?? []).toEqual([]);
  });

  it('contains no card number (with or without spaces or dashes), no CVV value and no nonce', () => {
    const text = all();
    for (const pan of cardNumbers) {
      const grouped = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
      expect({
        pan,
        found: [pan, grouped, grouped.replace(/ /g, '-')].some((f) => text.includes(f)),
      }).toEqual({
        pan,
        found: false,
      });
    }
    expect(text).not.toMatch(/"cvv"\s*:\s*"?\d{3,4}|cvv=\d{3,4}/i);
    const nonces = [...stack.braintree.state.nonces.keys()];
    expect(nonces.length).toBeGreaterThanOrEqual(3);
    expect(nonces.filter(found)).toEqual([]);
    expect(text).not.toMatch(/tokencc_/);
  });

  it('contains no Braintree client token and no webhook signature', () => {
    expect(clientTokens.filter(found)).toEqual([]);
    // Every signature the emulators computed for their deliveries (Attio, Zoho) and the forged one.
    const deliveries = [...stack.attio.server.webhooks.list({}), ...stack.zoho.server.webhooks.list({})];
    const signatures = deliveries.flatMap((d) =>
      Object.entries(d.headers)
        .filter(([k]) => /signature/i.test(k))
        .map(([, v]) => v),
    );
    expect(signatures.filter(found)).toEqual([]);
    expect(all()).not.toMatch(/bt_signature=|"bt_signature":"(?!\[REDACTED\])/);
  });
});
