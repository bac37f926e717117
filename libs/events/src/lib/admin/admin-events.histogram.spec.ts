import type { OpsEventHistogram, OpsEventPage } from '@aia/contracts';
import { EventHandlerRegistry } from '../handlers/event-handler.registry';
import { ADMIN_TOKEN, EventsTestApp, startEventsApp } from '../testing/events-test-app';
import { GOOD_SIGNATURE, TEST_SIGNATURE_HEADER } from '../testing/test-webhook.guard';

describe('admin API: search and hourly histogram', () => {
  let t: EventsTestApp;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const get = (url: string, headers: Record<string, string> = auth) =>
    t.app.inject({ method: 'GET', url, headers });
  const webhook = async (platform: string, id: string, type: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: `/webhooks/${platform}`,
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: GOOD_SIGNATURE },
        payload: JSON.stringify({ id, type }),
      })
    ).json<{ id: string }>().id;

  beforeEach(async () => {
    t = await startEventsApp();
    t.app.get(EventHandlerRegistry).register('attio', 'record.updated', () => undefined);
  });
  afterEach(() => t.close());

  it('searches with q (trimmed, any case) across ids, event id, type and key', async () => {
    const ours = await webhook('zoho', 'Z-Needle-1', 'card_expiring');
    await webhook('attio', 'a-1', 'record.updated');
    const page = await get(`/admin/events?q=${encodeURIComponent('  needle ')}`);
    expect(page.statusCode).toBe(200);
    const body = page.json<OpsEventPage>();
    expect(body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(body.items.map((e) => e.id)).toEqual([ours]);
    expect((await get(`/admin/events?q=${ours.slice(0, 8)}`)).json<OpsEventPage>().total).toBe(1);
    expect((await get('/admin/events?q=RECORD.updated&platform=attio')).json<OpsEventPage>().total).toBe(1);
    expect((await get('/admin/events?q=')).json<OpsEventPage>().total).toBe(2);
  });

  it('answers 400 for a search longer than 200 characters', async () => {
    const res = await get(`/admin/events?q=${'x'.repeat(201)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.any(String) } });
  });

  it('serves the hourly histogram (not the event route), 24 hours by default', async () => {
    await webhook('zoho', 'z-h1', 'card_expiring');
    await webhook('zoho', 'z-h2', 'card_expiring');
    const res = await get('/admin/events/histogram');
    expect(res.statusCode).toBe(200);
    const body = res.json<OpsEventHistogram>();
    expect(body.hours).toHaveLength(24);
    const hours = body.hours.map((h) => Date.parse(h.hour));
    for (let i = 1; i < hours.length; i++) expect(hours[i] - hours[i - 1]).toBe(3_600_000);
    expect(body.hours[23].hour).toMatch(/T\d\d:00:00\.000Z$/);
    expect(body.hours[23].counts).toMatchObject({ ignored: 2, pending: 0, dead: 0 });
    expect(Object.keys(body.hours[0].counts).sort()).toEqual(
      ['dead', 'discarded', 'done', 'ignored', 'pending', 'processing', 'retrying'].sort(),
    );
    expect((await get('/admin/events/histogram?hours=168')).json<OpsEventHistogram>().hours).toHaveLength(
      168,
    );
    expect((await get('/admin/events/histogram?hours=1')).json<OpsEventHistogram>().hours).toHaveLength(1);
  });

  it.each(['hours=0', 'hours=169', 'hours=abc', 'hours=1.5', 'days=2'])(
    'answers 400 in the standard shape for ?%s',
    async (qs) => {
      const res = await get(`/admin/events/histogram?${qs}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.any(String) } });
    },
  );

  it('refuses the histogram without the admin token', async () => {
    const res = await get('/admin/events/histogram', {});
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });
});
