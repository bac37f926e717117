import { HttpRequest, UpstreamError } from '@aia/platform';
import {
  AttioStack,
  companyValues,
  seedIntegrationAttributes,
  startAttioStack,
} from '../testing/attio-stack.fixtures';
import { requestJson } from '@aia/platform';
import { currentText } from './attio-values';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until just after a second boundary so a burst lands inside one emulator window. */
const startOfSecond = () => sleep(1000 - (Date.now() % 1000) + 10);

/** A connection reset after the request was sent: the write may or may not have landed. */
function resetAfterSend(): Error {
  return Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  });
}

describe('Attio client resilience against the emulator', () => {
  let stack: AttioStack;
  afterEach(() => stack.close());

  it('honours a 429 Retry-After HTTP date exactly: the retry goes out at that second, not before, not much after', async () => {
    // The client-side limiter is lifted so the emulator's own limit (3 reads/s) answers 429.
    stack = await startAttioStack({
      emulator: { readsPerSecond: 3 },
      policy: {
        rateLimits: { read: { limit: Infinity, windowMs: 1000 }, write: { limit: Infinity, windowMs: 1000 } },
      },
    });
    await startOfSecond();
    await Promise.all([1, 2, 3].map(() => stack.client.listAttributes('companies')));
    await stack.client.listAttributes('companies');
    const statuses = stack.calls.map((c) => c.status);
    expect(statuses).toEqual([200, 200, 200, 429, 200]);
    const limited = stack.calls[3];
    const retry = stack.calls[4];
    const boundary = Math.floor(limited.at / 1000) * 1000 + 1000;
    expect(retry.at).toBeGreaterThanOrEqual(boundary);
    expect(retry.at - boundary).toBeLessThan(150);
  });

  it('opens the breaker on a burst of 503s, fails fast while open, half-opens and closes when Attio recovers', async () => {
    stack = await startAttioStack({
      policy: { maxAttempts: 1, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 } },
    });
    stack.emulator.server.faults.configure({ errorRate: 1, errorStatus: 503 });
    for (let i = 0; i < 3; i++) {
      await expect(stack.client.listAttributes('companies')).rejects.toMatchObject({
        kind: 'unavailable',
        upstream: { status: 503 },
      });
    }
    expect(stack.policy.breakerState).toBe('open');
    const sent = stack.calls.length;
    await expect(stack.client.listAttributes('companies')).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'attio: circuit open',
    });
    expect(stack.calls).toHaveLength(sent); // nothing reached Attio

    // Still failing when the probe goes out: the breaker opens again.
    await sleep(320);
    await expect(stack.client.listAttributes('companies')).rejects.toMatchObject({
      upstream: { status: 503 },
    });
    expect(stack.policy.breakerState).toBe('open');

    stack.emulator.server.faults.clear();
    await sleep(320);
    expect(stack.policy.breakerState).toBe('half_open');
    await expect(stack.client.listAttributes('companies')).resolves.toEqual(expect.any(Array));
    expect(stack.policy.breakerState).toBe('closed');
  });

  it('times out a hung read and surfaces it as unavailable', async () => {
    stack = await startAttioStack({ policy: { timeoutMs: 150, maxAttempts: 1 } });
    stack.emulator.server.faults.configure({ hangRate: 1, hangMs: 800, maxFaults: 1 });
    const started = Date.now();
    const err = await stack.client.listAttributes('companies').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'unavailable', upstream: { code: 'ETIMEDOUT' } });
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('retries a timed-out read, and the retry succeeds', async () => {
    stack = await startAttioStack({ policy: { timeoutMs: 150, maxAttempts: 2 } });
    stack.emulator.server.faults.configure({ hangRate: 1, hangMs: 800, maxFaults: 1 });
    await expect(stack.client.listAttributes('companies')).resolves.toEqual(expect.any(Array));
    expect(stack.calls).toHaveLength(2);
  });

  it('after an ambiguous failure of a create, finds the record instead of creating it twice', async () => {
    stack = await startAttioStack();
    await seedIntegrationAttributes(stack);
    let dropped = false;
    stack.setTransport(async (req: HttpRequest) => {
      const res = await requestJson(req);
      if (req.method === 'POST' && req.path === 'objects/companies/records' && !dropped) {
        dropped = true; // Attio processed it, but the answer is lost.
        throw resetAfterSend();
      }
      return res;
    });
    const record = await stack.client.createRecord(
      'companies',
      companyValues(1, { zoho_customer_id: 'Z-9' }),
      {
        uniqueAttribute: 'zoho_customer_id',
      },
    );
    expect(currentText(record, 'zoho_customer_id')).toBe('Z-9');
    expect(
      stack.calls.filter((c) => c.method === 'POST' && c.path === 'objects/companies/records'),
    ).toHaveLength(1);
    expect(
      await stack.client.queryRecords('companies', { filter: { zoho_customer_id: 'Z-9' } }),
    ).toHaveLength(1);
  });

  it('re-sends an idempotent PATCH after an ambiguous failure', async () => {
    stack = await startAttioStack();
    await seedIntegrationAttributes(stack);
    const record = await stack.client.createRecord('companies', companyValues(2));
    let dropped = false;
    stack.setTransport(async (req: HttpRequest) => {
      const res = await requestJson(req);
      if (req.method === 'PATCH' && !dropped) {
        dropped = true;
        throw resetAfterSend();
      }
      return res;
    });
    const patched = await stack.client.patchRecord('companies', record.id.record_id, {
      subscription_status: 'live',
    });
    expect(currentText(patched, 'subscription_status')).toBe('live');
    expect(stack.calls.filter((c) => c.method === 'PATCH')).toHaveLength(2);
  });

  it('does not re-send a create without a repeat key after an ambiguous failure', async () => {
    stack = await startAttioStack();
    stack.setTransport(async (req: HttpRequest) => {
      await requestJson(req);
      throw resetAfterSend();
    });
    await expect(stack.client.createRecord('companies', companyValues(3))).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(stack.calls).toHaveLength(1);
  });
});
