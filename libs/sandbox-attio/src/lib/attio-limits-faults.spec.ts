import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getV2Objects, isAttioRateLimitError } from 'attio-ts-sdk';
import { createAttioEmulator } from './attio-emulator';
import {
  AttioHarness,
  attioErrorBodySchema,
  companyValues,
  startAttio,
  valuesBody,
} from '../test/attio-test-harness';

describe('Attio emulator: rate limits', () => {
  let h: AttioHarness;
  beforeEach(async () => {
    h = await startAttio({ readsPerSecond: 5, writesPerSecond: 2 });
  });
  afterEach(() => h.close());

  /** Waits until just after a second boundary so a burst lands inside one window. */
  const startOfSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

  it('answers 429 with Attio body and Retry-After as an HTTP date at the next second boundary', async () => {
    await startOfSecond();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<AttioHarness['call']>> | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await h.call('GET', '/v2/objects');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    const sentAt = Date.now();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(attioErrorBodySchema.parse(limited!.json)).toEqual({
      status_code: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: expect.any(String),
    });
    const retryAfter = limited!.headers.get('retry-after')!;
    expect(retryAfter).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(retryAfter)).toBe(Math.floor(sentAt / 1000) * 1000 + 1000);
  });

  it('counts writes in their own window and lets them through again after Retry-After', async () => {
    await startOfSecond();
    const write = () =>
      h.call('POST', '/v2/objects/companies/records', valuesBody(companyValues(Math.random())));
    expect((await write()).status).toBe(200);
    expect((await write()).status).toBe(200);
    const third = await write();
    expect(third.status).toBe(429);
    // Reads are unaffected by the exhausted write budget.
    expect((await h.call('GET', '/v2/objects')).status).toBe(200);
    await new Promise((r) =>
      setTimeout(r, Math.max(0, Date.parse(third.headers.get('retry-after')!) - Date.now())),
    );
    expect((await write()).status).toBe(200);
  });

  it('is seen by attio-ts-sdk as a rate-limit error with a parsed Retry-After', async () => {
    await startOfSecond();
    for (let i = 0; i < 5; i++) await getV2Objects({ client: h.sdk });
    const err = await getV2Objects({ client: h.sdk }).catch((e: unknown) => e);
    // With retries off the SDK wraps the last API error in an AttioRetryError.
    const cause = (err as { cause?: unknown }).cause ?? err;
    expect(isAttioRateLimitError(cause)).toBe(true);
    expect((cause as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThanOrEqual(0);
    expect((cause as { retryAfterMs?: number }).retryAfterMs).toBeLessThanOrEqual(1000);
  });
});

describe('Attio emulator: fault injection, control API and persistence', () => {
  it('answers injected faults in Attio error shape', async () => {
    const h = await startAttio();
    try {
      await h.call('PUT', '/__sandbox/faults', { errorRate: 1, errorStatus: 503, maxFaults: 1 });
      const failed = await h.call('GET', '/v2/objects');
      expect(failed.status).toBe(503);
      expect(attioErrorBodySchema.parse(failed.json).status_code).toBe(503);
      expect((await h.call('GET', '/v2/objects')).status).toBe(200);

      await h.call('PUT', '/__sandbox/faults', { rateLimitRate: 1, maxFaults: 1 });
      const limited = await h.call('GET', '/v2/objects');
      expect(limited.status).toBe(429);
      expect(Date.parse(limited.headers.get('retry-after')!)).toBeGreaterThan(Date.now() - 1000);
    } finally {
      await h.close();
    }
  });

  it('seeds attributes and records quietly, and reset restores the standard workspace', async () => {
    const h = await startAttio();
    try {
      const seeded = await h.call('POST', '/__sandbox/seed', {
        attributes: [
          {
            object: 'companies',
            data: {
              title: 'Plan',
              api_slug: 'plan',
              type: 'text',
              is_required: false,
              is_unique: false,
              is_multiselect: false,
              config: {},
            },
          },
        ],
        records: [{ object: 'companies', values: companyValues(1, { plan: 'pro' }) }],
      });
      expect(seeded.status).toBe(200);
      expect(seeded.json).toMatchObject({
        attributes: ['plan'],
        records: [{ values: { plan: [{ value: 'pro' }] } }],
      });
      expect(h.emulator.server.webhooks.list()).toHaveLength(0);

      await h.call('POST', '/__sandbox/reset');
      const query = await h.call('POST', '/v2/objects/companies/records/query', {});
      expect(query.json).toEqual({ data: [] });
      expect((await h.call('GET', '/v2/objects/companies/attributes/plan')).status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('answers Attio-shaped errors from the control route for user edits', async () => {
    const h = await startAttio();
    try {
      const res = await h.call(
        'POST',
        '/__sandbox/records/companies/00000000-0000-4000-8000-000000000000/values',
        {
          values: { name: 'x' },
        },
      );
      expect(res.status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('persists state to a JSON file and loads it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attio-emulator-'));
    const dataFile = join(dir, 'attio.json');
    try {
      const first = createAttioEmulator({ dataFile });
      const running = await first.listen(0);
      const res = await fetch(`${running.url}/v2/objects/companies/records`, {
        method: 'POST',
        headers: { authorization: 'Bearer sandbox-attio-token', 'content-type': 'application/json' },
        body: JSON.stringify(valuesBody(companyValues(7))),
      });
      const recordId = ((await res.json()) as { data: { id: { record_id: string } } }).data.id.record_id;
      await first.close();
      expect(JSON.parse(readFileSync(dataFile, 'utf8')).records).toHaveLength(1);

      const second = createAttioEmulator({ dataFile });
      expect(second.state.records.get(recordId)).toBeDefined();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
