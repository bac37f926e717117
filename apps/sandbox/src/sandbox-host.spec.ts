import { SANDBOX_DEFAULTS } from '@aia/platform';
import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RunningSandbox, startSandbox } from './sandbox-host';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('sandbox host', () => {
  let sandbox: RunningSandbox;
  let api: Server;
  const received: Received[] = [];

  beforeAll(async () => {
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    sandbox = await startSandbox({ apiUrl, ports: { attio: 0, zoho: 0, braintree: 0 } });
  });

  afterAll(async () => {
    await sandbox.close();
    await new Promise((r) => api.close(r));
  });

  it('seeds Zoho with plans reachable with the sandbox credentials', async () => {
    const token = await fetch(
      `${sandbox.urls.zoho}/oauth/v2/token?grant_type=refresh_token&client_id=${SANDBOX_DEFAULTS.ZOHO_CLIENT_ID}&client_secret=${SANDBOX_DEFAULTS.ZOHO_CLIENT_SECRET}&refresh_token=${SANDBOX_DEFAULTS.ZOHO_REFRESH_TOKEN}`,
      { method: 'POST' },
    ).then((r) => r.json() as Promise<{ access_token: string }>);
    const plans = await fetch(`${sandbox.urls.zoho}/billing/v1/plans`, {
      headers: {
        authorization: `Zoho-oauthtoken ${token.access_token}`,
        'X-com-zoho-subscriptions-organizationid': SANDBOX_DEFAULTS.ZOHO_ORG_ID,
      },
    }).then((r) => r.json() as Promise<{ code: number; plans: unknown[] }>);
    expect(plans.code).toBe(0);
    expect(plans.plans.length).toBeGreaterThan(0);
  });

  it('delivers Attio record events to the API signed with the sandbox webhook secret', async () => {
    const res = await fetch(`${sandbox.urls.attio}/objects/companies/records`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SANDBOX_DEFAULTS.ATTIO_API_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ data: { values: { name: 'Acme Ltd' } } }),
    });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!received.some((r) => r.url === '/webhooks/attio') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const delivery = received.find((r) => r.url === '/webhooks/attio');
    expect(delivery).toBeDefined();
    const expected = createHmac('sha256', SANDBOX_DEFAULTS.ATTIO_WEBHOOK_SECRET)
      .update(delivery?.body ?? '')
      .digest('hex');
    expect(delivery?.headers['attio-signature']).toBe(expected);
    expect(JSON.parse(delivery?.body ?? '{}').events[0].event_type).toBe('record.created');
  });

  it('answers the Braintree gateway with the sandbox merchant', async () => {
    const auth = Buffer.from(
      `${SANDBOX_DEFAULTS.BRAINTREE_PUBLIC_KEY}:${SANDBOX_DEFAULTS.BRAINTREE_PRIVATE_KEY}`,
    ).toString('base64');
    const res = await fetch(
      `${sandbox.urls.braintree}/merchants/${SANDBOX_DEFAULTS.BRAINTREE_MERCHANT_ID}/customers/nobody`,
      {
        headers: { authorization: `Basic ${auth}`, accept: 'application/xml', 'x-apiversion': '6' },
      },
    );
    expect(res.status).toBe(404);
  });
});
