import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookDispatcher } from './webhook-dispatcher';

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook target on a random port answering the scripted statuses in order (the last one repeats). */
async function startTarget(
  statuses: number[],
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

const closeServer = (server: Server) => new Promise((resolve) => server.close(resolve));

function delivery(url: string) {
  return {
    event: 'record.updated',
    url,
    headers: { 'content-type': 'application/json', 'idempotency-key': 'evt_1' },
    body: '{"id":"evt_1"}',
  };
}

describe('WebhookDispatcher', () => {
  let dispatcher: WebhookDispatcher;
  let server: Server | undefined;
  afterEach(async () => {
    await dispatcher.close();
    if (server) await closeServer(server);
    server = undefined;
  });

  it('delivers on the first 2xx', async () => {
    const target = await startTarget([204]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 10 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(d.status).toBe('delivered');
    expect(d.attempts).toEqual([expect.objectContaining({ statusCode: 204 })]);
    expect(target.received[0].body).toBe('{"id":"evt_1"}');
    expect(target.received[0].headers['idempotency-key']).toBe('evt_1');
  });

  it('retries failures with doubling backoff, re-sending the same bytes and headers', async () => {
    const target = await startTarget([500, 503, 200]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 40 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(3_000);

    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([500, 503, 200]);
    const [first, second, third] = target.received;
    expect(second.at - first.at).toBeGreaterThanOrEqual(35);
    expect(third.at - second.at).toBeGreaterThanOrEqual(75); // 2 × base
    expect(new Set(target.received.map((r) => r.body)).size).toBe(1);
    expect(third.headers['idempotency-key']).toBe('evt_1');
  });

  it('marks the delivery failed after maxAttempts', async () => {
    const target = await startTarget([500]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5, maxAttempts: 3 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(3);
    expect(target.received).toHaveLength(3);
    expect(dispatcher.list({ status: 'failed' })).toEqual([d]);
    expect(dispatcher.list({ status: 'delivered' })).toEqual([]);
  });

  it('records network errors (connection refused) as failed attempts', async () => {
    const target = await startTarget([200]);
    await closeServer(target.server);
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5, maxAttempts: 2 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(d.status).toBe('failed');
    expect(d.attempts.every((a) => a.statusCode === undefined && typeof a.error === 'string')).toBe(true);
  });

  it('times out a slow target and retries', async () => {
    let calls = 0;
    const slow = createServer((_req, res) => {
      calls += 1;
      if (calls === 1) setTimeout(() => res.end(), 500).unref();
      else res.end();
    });
    server = slow;
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5, timeoutMs: 50 });
    const d = dispatcher.send(delivery(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`));
    await dispatcher.settle(2_000);
    expect(d.status).toBe('delivered');
    expect(d.attempts[0].error).toBeDefined();
    slow.closeAllConnections();
  });

  it('filters the log by event and keeps at most historyLimit deliveries', async () => {
    const target = await startTarget([200]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ historyLimit: 2 });
    dispatcher.send({ ...delivery(target.url), event: 'a' });
    dispatcher.send({ ...delivery(target.url), event: 'b' });
    dispatcher.send({ ...delivery(target.url), event: 'c' });
    await dispatcher.settle(2_000);
    expect(dispatcher.list().map((d) => d.event)).toEqual(['b', 'c']);
    expect(dispatcher.list({ event: 'c' })).toHaveLength(1);
  });

  it('duplicates: n sends each delivery n extra times after its 2xx, same bytes and idempotency key', async () => {
    const target = await startTarget([200]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 10, duplicates: 2 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);

    expect(d.status).toBe('delivered');
    expect(target.received).toHaveLength(3);
    expect(new Set(target.received.map((r) => r.body))).toEqual(new Set(['{"id":"evt_1"}']));
    expect(target.received.map((r) => r.headers['idempotency-key'])).toEqual(['evt_1', 'evt_1', 'evt_1']);
    expect(d.attempts.map((a) => [a.statusCode, a.lost])).toEqual([
      [200, true],
      [200, true],
      [200, undefined],
    ]);
    // The copies follow the usual backoff (base, then 2 × base).
    expect(target.received[1].at - target.received[0].at).toBeGreaterThanOrEqual(8);
    expect(target.received[2].at - target.received[1].at).toBeGreaterThanOrEqual(18);
    expect(dispatcher.stats).toEqual({ deliveries: 1, attempts: 3, duplicates: 2 });
  });

  it('duplicates: failures between copies are retried, and a 2xx treated as lost uses up no attempt', async () => {
    const target = await startTarget([200, 500, 503, 200]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5, maxAttempts: 3, duplicates: 1 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([200, 500, 503, 200]);
    expect(d.attempts.filter((a) => a.lost)).toHaveLength(1);
  });

  it('duplicates: a copy that keeps failing ends the delivery failed after maxAttempts failures', async () => {
    const target = await startTarget([200, 500]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5, maxAttempts: 2, duplicates: 1 });
    const d = dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(d.status).toBe('failed');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([200, 500, 500]);
  });

  it('setDuplicates changes the copies in-process (0 = each delivery once) and refuses bad values', async () => {
    const target = await startTarget([204]);
    server = target.server;
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5 });
    dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(target.received).toHaveLength(1);

    dispatcher.setDuplicates(1);
    dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(target.received).toHaveLength(3);

    dispatcher.setDuplicates(0);
    dispatcher.send(delivery(target.url));
    await dispatcher.settle(2_000);
    expect(target.received).toHaveLength(4);
    expect(dispatcher.stats).toEqual({ deliveries: 3, attempts: 4, duplicates: 1 });

    expect(() => dispatcher.setDuplicates(-1)).toThrow(RangeError);
    expect(() => dispatcher.setDuplicates(1.5)).toThrow(RangeError);
    expect(() => new WebhookDispatcher({ duplicates: -2 })).toThrow(RangeError);
  });

  it('clear() stops retries, even of an attempt that was in flight during the reset', async () => {
    let requests = 0;
    const slowFailing = createServer((_req, res) => {
      requests += 1;
      setTimeout(() => {
        res.statusCode = 500;
        res.end();
      }, 40).unref();
    });
    server = slowFailing;
    await new Promise<void>((resolve) => slowFailing.listen(0, '127.0.0.1', resolve));
    dispatcher = new WebhookDispatcher({ baseDelayMs: 5, maxAttempts: 5 });
    dispatcher.send(delivery(`http://127.0.0.1:${(slowFailing.address() as AddressInfo).port}/`));
    await new Promise((r) => setTimeout(r, 15));
    dispatcher.clear(); // the first attempt is still waiting for its 500
    await new Promise((r) => setTimeout(r, 150));
    expect(requests).toBe(1);
    expect(dispatcher.list()).toEqual([]);
  });
});
