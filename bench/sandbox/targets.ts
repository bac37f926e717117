// Bench targets, bundled by run.mjs with esbuild into tmp/ and started one per child process:
//   node tmp/bench-sandbox/targets.cjs <baseline|attio|zoho|braintree>
// The child starts one server on a random port, prepares one authenticated request, reports it to the
// parent over IPC and serves until told to stop. The load generator runs in the parent process, so the
// server under test has its own event loop.
import { createAttioEmulator, ATTIO_SANDBOX_TOKEN } from '@aia/sandbox-attio';
import { createBraintreeEmulator, gatewayFor, BraintreeTest } from '@aia/sandbox-braintree';
import {
  createZohoEmulator,
  SANDBOX_ZOHO_CREDENTIALS,
  ZOHO_BILLING_PREFIX,
  ZOHO_ORG_HEADER,
} from '@aia/sandbox-zoho';
import Fastify from 'fastify';

export interface PreparedTarget {
  name: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Substring the answer body must contain (checked once before measuring). */
  expect: string;
  close(): Promise<void>;
}

/** A bare Fastify hello-world: the ceiling for any Fastify-based emulator on this machine. */
async function baseline(): Promise<PreparedTarget> {
  const app = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    name: 'baseline',
    url: `http://127.0.0.1:${port}`,
    path: '/hello',
    headers: {},
    expect: 'world',
    close: () => app.close(),
  };
}

/** Attio: GET /v2/objects/people with the sandbox bearer token; limits raised far above the load. */
async function attio(): Promise<PreparedTarget> {
  const emulator = createAttioEmulator({ readsPerSecond: 1e9, writesPerSecond: 1e9 });
  const { url } = await emulator.listen(0);
  return {
    name: 'attio',
    url,
    path: '/v2/objects/people',
    headers: { authorization: `Bearer ${ATTIO_SANDBOX_TOKEN}`, accept: 'application/json' },
    expect: '"api_slug":"people"',
    close: () => emulator.close(),
  };
}

/** Zoho Billing: GET /billing/v1/plans/{code} with a valid OAuth access token and the organization header. */
async function zoho(): Promise<PreparedTarget> {
  const emulator = createZohoEmulator({ requestsPerMinute: 1e9 });
  emulator.seed();
  const { url } = await emulator.listen(0);
  return {
    name: 'zoho',
    url,
    path: `${ZOHO_BILLING_PREFIX}/plans/basic-monthly`,
    headers: {
      authorization: `Zoho-oauthtoken ${emulator.issueAccessToken(3600)}`,
      [ZOHO_ORG_HEADER]: SANDBOX_ZOHO_CREDENTIALS.organizationId,
    },
    expect: '"plan_code":"basic-monthly"',
    close: () => emulator.close(),
  };
}

/** Braintree: GET /merchants/sandbox_merchant/customers/{id}, Basic auth and the SDK's XML headers. */
async function braintreeTarget(): Promise<PreparedTarget> {
  const emulator = createBraintreeEmulator();
  const { url } = await emulator.listen(0);
  // Created through the official SDK, as the API would.
  await gatewayFor(url).customer.create({
    id: 'bench_customer',
    paymentMethodNonce: BraintreeTest.Nonces.Transactable,
  });
  const auth = Buffer.from('sandbox_public_key:sandbox_private_key').toString('base64');
  return {
    name: 'braintree',
    url,
    path: '/merchants/sandbox_merchant/customers/bench_customer',
    headers: {
      authorization: `Basic ${auth}`,
      accept: 'application/xml',
      'x-apiversion': '6',
      'content-type': 'application/json',
    },
    expect: '<id>bench_customer</id>',
    close: () => emulator.close(),
  };
}

const FACTORIES: Record<string, () => Promise<PreparedTarget>> = {
  baseline,
  attio,
  zoho,
  braintree: braintreeTarget,
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const factory = FACTORIES[name];
  if (!factory || !process.send)
    throw new Error(`usage (from run.mjs): targets.cjs <${Object.keys(FACTORIES).join('|')}>`);
  const target = await factory();
  process.on('message', (msg) => {
    if (msg === 'stop') void target.close().finally(() => process.exit(0));
  });
  const { close: _close, ...description } = target;
  process.send({ ready: true, ...description });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
