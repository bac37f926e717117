/* Shared behaviour of every EventInbox (SQLite, Redis); each adapter's spec calls describeEventInboxContract. */
import type { Platform, VerifiedWebhook } from '@aia/platform';
import type { EventInbox } from './event-inbox';

export function webhookFixture(over: Partial<VerifiedWebhook> = {}): VerifiedWebhook {
  const eventId = over.eventId ?? `evt-${Math.random().toString(36).slice(2)}`;
  return {
    platform: 'zoho' as Platform,
    eventId,
    type: 'invoice_created',
    payload: { event_id: eventId, data: { invoice: { invoice_id: 'inv-1' } } },
    rawBody: JSON.stringify({ event_id: eventId }),
    headers: { 'content-type': 'application/json' },
    receivedAt: new Date().toISOString(),
    ...over,
  };
}

/** What an adapter holds in its storage, counted directly, so tests see what pruning leaves behind. */
export interface InboxFootprint {
  events: number;
  attempts: number;
  /** Dedupe records ((platform, eventId) → event). */
  dedupe: number;
  /** Index entries (SQLite: events rows; Redis: members of `all`, which the per-state sets must match). */
  indexed: number;
}

export interface InboxUnderTest {
  inbox: EventInbox;
  footprint(): Promise<InboxFootprint>;
  dispose(): Promise<void>;
}

export function describeEventInboxContract(label: string, newInbox: () => Promise<InboxUnderTest>): void {
  describe(`EventInbox contract: ${label}`, () => {
    let inbox: EventInbox;
    let footprint: () => Promise<InboxFootprint>;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ inbox, footprint, dispose } = await newInbox());
    });
    afterEach(async () => {
      await inbox.close();
      await dispose();
    });

    it('stores an event once per (platform, event id) and returns the held one on a repeat', async () => {
      const w = webhookFixture({ eventId: 'same' });
      const first = await inbox.insert({ webhook: w, state: 'pending', key: 'invoice:inv-1' });
      const again = await inbox.insert({ webhook: w, state: 'pending' });
      const otherPlatform = await inbox.insert({ webhook: { ...w, platform: 'attio' }, state: 'ignored' });
      expect(first.created).toBe(true);
      expect(again).toMatchObject({ created: false, event: { id: first.event.id } });
      expect(otherPlatform.created).toBe(true);
      expect(first.event).toMatchObject({
        state: 'pending',
        key: 'invoice:inv-1',
        jobId: `event:${first.event.id}`,
        attempts: 0,
      });
      const held = await inbox.get(first.event.id);
      expect(held).toMatchObject({
        payload: w.payload,
        rawBody: w.rawBody,
        headers: w.headers,
        eventId: 'same',
        attemptLog: [],
      });
    });

    it('records attempts with their errors and moves the state along', async () => {
      const { event } = await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
      expect(await inbox.startAttempt(event.id)).toBe(1);
      expect((await inbox.get(event.id))?.state).toBe('processing');
      await inbox.finishAttempt(event.id, 1, {
        state: 'retrying',
        error: { name: 'UpstreamError', message: 'zoho: 503', temporary: true },
      });
      expect(await inbox.startAttempt(event.id)).toBe(2);
      await inbox.finishAttempt(event.id, 2, { state: 'done' });
      const detail = await inbox.get(event.id);
      expect(detail).toMatchObject({ state: 'done', attempts: 2, lastError: 'UpstreamError: zoho: 503' });
      expect(detail?.attemptLog).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'failed',
          error: { name: 'UpstreamError', message: 'zoho: 503', temporary: true },
        }),
        expect.objectContaining({ attempt: 2, outcome: 'succeeded' }),
      ]);
      await inbox.setState(event.id, 'discarded', { discardReason: 'test' });
      expect(await inbox.get(event.id)).toMatchObject({ state: 'discarded', discardReason: 'test' });
    });

    it('lists newest first with filters and paging, and counts by state', async () => {
      for (let i = 0; i < 4; i++) {
        await inbox.insert({ webhook: webhookFixture({ eventId: `z${i}` }), state: 'pending' });
        await new Promise((r) => setTimeout(r, 2));
      }
      await inbox.insert({
        webhook: webhookFixture({ platform: 'attio', type: 'record.updated', eventId: 'a0' }),
        state: 'ignored',
      });
      const page = await inbox.list({ limit: 2, offset: 0 });
      expect(page.total).toBe(5);
      expect(page.items.map((e) => e.eventId)).toEqual(['a0', 'z3']);
      expect((page.items[0] as { payload?: unknown }).payload).toBeUndefined();
      const zoho = await inbox.list({
        platform: 'zoho',
        state: 'pending',
        type: 'invoice_created',
        limit: 10,
        offset: 1,
      });
      expect(zoho.total).toBe(4);
      expect(zoho.items.map((e) => e.eventId)).toEqual(['z2', 'z1', 'z0']);
      const stats = await inbox.stats();
      expect(stats).toMatchObject({ total: 5, deadLetters: 0, byState: { pending: 4, ignored: 1 } });
      expect(stats.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
      const open = await inbox.idsInStates(['pending'], Date.now() + 1, 10);
      expect(open).toHaveLength(4);
      expect(await inbox.idsInStates(['pending'], 0, 10)).toEqual([]);
    });

    it('numbers concurrent attempts uniquely and keeps an event in exactly one state', async () => {
      const { event } = await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
      const numbers = await Promise.all(Array.from({ length: 12 }, () => inbox.startAttempt(event.id)));
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      await Promise.all(
        (['done', 'dead', 'retrying'] as const).map((state, i) =>
          inbox.finishAttempt(event.id, i + 1, { state }),
        ),
      );
      const detail = await inbox.get(event.id);
      expect(detail).toMatchObject({ attempts: 12 });
      expect(detail?.attemptLog).toHaveLength(12);
      const stats = await inbox.stats();
      expect(stats.total).toBe(1);
      expect(stats.byState[detail?.state ?? 'pending']).toBe(1);
      expect(await footprint()).toEqual({ events: 1, attempts: 12, dedupe: 1, indexed: 1 });
    });
  });
}
