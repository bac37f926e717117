import type { FastifyReply } from 'fastify';
import { CONTROL_PREFIX, EmulatorServer } from './emulator-server';

/** An emulator with one platform route and a platform-shaped fault body. */
function testEmulator() {
  const emulator = new EmulatorServer({
    name: 'test',
    faultReply: (reply: FastifyReply, kind, status) =>
      kind === 'rate_limit'
        ? reply.code(429).header('retry-after', '1').send({ type: 'rate_limit_error' })
        : reply.code(status).send({ type: 'server_error' }),
    webhooks: { baseDelayMs: 5, maxAttempts: 2 },
  });
  let resets = 0;
  emulator.onReset(() => (resets += 1));
  emulator.app.get('/v2/things', async () => ({ data: [] }));
  emulator.app.post('/v2/form', async (req) => ({ received: req.body }));
  return { emulator, resetCount: () => resets };
}

describe('EmulatorServer', () => {
  it('serves platform routes and parses urlencoded forms', async () => {
    const { emulator } = testEmulator();
    expect((await emulator.app.inject({ method: 'GET', url: '/v2/things' })).json()).toEqual({ data: [] });
    const form = await emulator.app.inject({
      method: 'POST',
      url: '/v2/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=refresh_token&code=a%26b',
    });
    expect(form.json()).toEqual({ received: { grant_type: 'refresh_token', code: 'a&b' } });
    await emulator.close();
  });

  it('injects configured faults through the platform fault body, never on control routes', async () => {
    const { emulator } = testEmulator();
    const put = await emulator.app.inject({
      method: 'PUT',
      url: `${CONTROL_PREFIX}/faults`,
      payload: { errorRate: 1, errorStatus: 502 },
    });
    expect(put.json()).toEqual({ errorRate: 1, errorStatus: 502 });
    const faulted = await emulator.app.inject({ method: 'GET', url: '/v2/things' });
    expect(faulted.statusCode).toBe(502);
    expect(faulted.json()).toEqual({ type: 'server_error' });
    expect((await emulator.app.inject({ method: 'GET', url: `${CONTROL_PREFIX}/faults` })).statusCode).toBe(
      200,
    );

    await emulator.app.inject({
      method: 'PUT',
      url: `${CONTROL_PREFIX}/faults`,
      payload: { rateLimitRate: 1 },
    });
    const limited = await emulator.app.inject({ method: 'GET', url: '/v2/things' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');

    await emulator.app.inject({ method: 'DELETE', url: `${CONTROL_PREFIX}/faults` });
    expect((await emulator.app.inject({ method: 'GET', url: '/v2/things' })).statusCode).toBe(200);
    await emulator.close();
  });

  it('delays requests by the configured latency', async () => {
    const { emulator } = testEmulator();
    emulator.faults.configure({ latencyMs: 60 });
    const started = Date.now();
    expect((await emulator.app.inject({ method: 'GET', url: '/v2/things' })).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await emulator.close();
  });

  it('reads and advances the clock, rejecting non-positive amounts', async () => {
    const { emulator } = testEmulator();
    const bad = await emulator.app.inject({
      method: 'POST',
      url: `${CONTROL_PREFIX}/clock/advance`,
      payload: { ms: -5 },
    });
    expect(bad.statusCode).toBe(400);
    const empty = await emulator.app.inject({ method: 'POST', url: `${CONTROL_PREFIX}/clock/advance` });
    expect(empty.statusCode).toBe(400);

    const advanced = await emulator.app.inject({
      method: 'POST',
      url: `${CONTROL_PREFIX}/clock/advance`,
      payload: { days: 1, seconds: 30 },
    });
    expect(advanced.statusCode).toBe(200);
    const clock = (await emulator.app.inject({ method: 'GET', url: `${CONTROL_PREFIX}/clock` })).json<{
      now: string;
      offset_ms: number;
    }>();
    expect(clock.offset_ms).toBe(86_430_000);
    expect(Date.parse(clock.now) - Date.now()).toBeGreaterThan(86_400_000);
    await emulator.close();
  });

  it('reset clears faults, clock, webhooks and runs the emulator reset handlers', async () => {
    const { emulator, resetCount } = testEmulator();
    emulator.faults.configure({ errorRate: 1 });
    await emulator.clock.advance(1_000);
    emulator.webhooks.send({ event: 'x', url: 'http://127.0.0.1:9/', headers: {}, body: '{}' });
    const res = await emulator.app.inject({ method: 'POST', url: `${CONTROL_PREFIX}/reset` });
    expect(res.json()).toEqual({ ok: true });
    expect(emulator.faults.current).toEqual({});
    expect(emulator.clock.offset).toBe(0);
    expect(emulator.webhooks.list()).toEqual([]);
    expect(resetCount()).toBe(1);
    await emulator.close();
  });

  it('lists webhook deliveries filtered by status', async () => {
    const { emulator } = testEmulator();
    emulator.webhooks.send({ event: 'record.created', url: 'http://127.0.0.1:9/', headers: {}, body: '{}' });
    await emulator.webhooks.settle(2_000);
    const failed = await emulator.app.inject({
      method: 'GET',
      url: `${CONTROL_PREFIX}/webhooks/deliveries?status=failed`,
    });
    expect(failed.json<{ deliveries: Array<{ event: string }> }>().deliveries.map((d) => d.event)).toEqual([
      'record.created',
    ]);
    const delivered = await emulator.app.inject({
      method: 'GET',
      url: `${CONTROL_PREFIX}/webhooks/deliveries?status=delivered`,
    });
    expect(delivered.json()).toEqual({ deliveries: [] });
    await emulator.close();
  });

  it('listens on a random port over real HTTP and closes promptly even with a hung request', async () => {
    const { emulator } = testEmulator();
    const running = await emulator.listen(0);
    expect(running.port).toBeGreaterThan(0);
    expect((await fetch(`${running.url}/v2/things`)).status).toBe(200);

    emulator.faults.configure({ hangRate: 1, hangMs: 30_000 });
    const hung = fetch(`${running.url}/v2/things`).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    // The held request is released on close; Fastify answers it normally or 503 (closing) — never hangs.
    expect([200, 503]).toContain(await hung);
  });
});
