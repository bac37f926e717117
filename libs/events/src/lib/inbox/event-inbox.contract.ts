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

const tick = (ms = 5) => new Promise<void>((r) => setTimeout(r, ms));

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

    it('reads an event without its attempt log for workers', async () => {
      const { event } = await inbox.insert({ webhook: webhookFixture(), state: 'pending' });
      await inbox.startAttempt(event.id);
      const plain = await inbox.getEvent(event.id);
      expect(plain).toMatchObject({ id: event.id, state: 'processing', attempts: 1, payload: event.payload });
      expect(plain).not.toHaveProperty('attemptLog');
      expect(await inbox.getEvent('00000000-0000-4000-8000-000000000000')).toBeUndefined();
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

    it('searches our id, the platform event id, the type and the key, ignoring case, newest first', async () => {
      const a = await inbox.insert({
        webhook: webhookFixture({ eventId: 'EVT-Alpha-1', type: 'invoice_created' }),
        state: 'pending',
        key: 'invoice:INV-42',
      });
      await tick(2);
      const b = await inbox.insert({
        webhook: webhookFixture({ platform: 'attio', eventId: 'att-2', type: 'record.updated' }),
        state: 'ignored',
        key: 'record:rec-alpha',
      });
      await tick(2);
      await inbox.insert({
        webhook: webhookFixture({ eventId: 'other-3', type: 'payment_declined' }),
        state: 'pending',
      });
      const ids = async (q: string, extra: { state?: 'pending'; platform?: 'zoho' } = {}) =>
        (await inbox.list({ q, limit: 10, offset: 0, ...extra })).items.map((e) => e.eventId);

      expect(await ids('alpha')).toEqual(['att-2', 'EVT-Alpha-1']); // event id and key, newest first
      expect(await ids('  RECORD.UPD ')).toEqual(['att-2']); // type, trimmed, case-insensitive
      expect(await ids('inv-42')).toEqual(['EVT-Alpha-1']); // key
      expect(await ids(a.event.id.slice(0, 13).toUpperCase())).toEqual(['EVT-Alpha-1']); // our id
      expect(await ids(b.event.id)).toEqual(['att-2']);
      expect(await ids('alpha', { platform: 'zoho' })).toEqual(['EVT-Alpha-1']);
      expect(await ids('alpha', { state: 'pending' })).toEqual(['EVT-Alpha-1']);
      expect(await ids('%')).toEqual([]); // literal, not a wildcard
      expect(await ids('nothing-like-it')).toEqual([]);
      expect(await ids('   ')).toHaveLength(3); // blank: no search
      const paged = await inbox.list({ q: 'e', limit: 1, offset: 1 });
      expect(paged.total).toBe(3);
      expect(paged.items.map((e) => e.eventId)).toEqual(['att-2']);
    });

    it('counts events per hour of the window by their current state, every hour present', async () => {
      const { event } = await inbox.insert({
        webhook: webhookFixture({ eventId: 'h-dead' }),
        state: 'pending',
      });
      await inbox.finishAttempt(event.id, await inbox.startAttempt(event.id), {
        state: 'dead',
        error: { name: 'Error', message: 'x', temporary: false },
      });
      await inbox.insert({ webhook: webhookFixture({ eventId: 'h-ign' }), state: 'ignored' });
      await inbox.insert({ webhook: webhookFixture({ eventId: 'h-pend' }), state: 'pending' });
      const now = Date.now();
      const histogram = await inbox.histogram(3, now);
      expect(histogram.hours).toHaveLength(3);
      const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
      expect(histogram.hours.map((h) => h.hour)).toEqual(
        [2, 1, 0].map((back) => new Date(hourStart - back * 3_600_000).toISOString()),
      );
      const zero = { pending: 0, processing: 0, retrying: 0, done: 0, ignored: 0, dead: 0, discarded: 0 };
      expect(histogram.hours[0].counts).toEqual(zero);
      expect(histogram.hours[1].counts).toEqual(zero);
      expect(histogram.hours[2].counts).toEqual({ ...zero, pending: 1, ignored: 1, dead: 1 });
      // Seen from two hours later, they fall in the first hour of the window; a day later, outside it.
      const later = await inbox.histogram(3, now + 2 * 3_600_000);
      expect(later.hours[0].counts).toEqual({ ...zero, pending: 1, ignored: 1, dead: 1 });
      expect(later.hours[2].counts).toEqual(zero);
      const dayLater = await inbox.histogram(24, now + 24 * 3_600_000);
      expect(dayLater.hours).toHaveLength(24);
      expect(dayLater.hours.every((h) => Object.values(h.counts).every((n) => n === 0))).toBe(true);
    });

    /** One event in each state, each with the attempts it would have by then. */
    async function oneOfEach(tag: string): Promise<Record<string, string>> {
      const ids: Record<string, string> = {};
      const add = async (name: string, state: 'pending' | 'ignored' = 'pending') =>
        (ids[name] = (
          await inbox.insert({ webhook: webhookFixture({ eventId: `${tag}-${name}` }), state })
        ).event.id);
      const attempt = async (id: string, state: 'done' | 'retrying' | 'dead') =>
        inbox.finishAttempt(id, await inbox.startAttempt(id), {
          state,
          ...(state === 'done'
            ? {}
            : { error: { name: 'Error', message: 'x', temporary: state === 'retrying' } }),
        });
      await attempt(await add('done'), 'done');
      await add('ignored', 'ignored');
      const discarded = await add('discarded');
      await attempt(discarded, 'retrying');
      await inbox.setState(discarded, 'discarded', { discardReason: 'not ours' });
      await attempt(await add('dead'), 'dead');
      await add('pending');
      await attempt(await add('retrying'), 'retrying');
      await inbox.startAttempt(await add('processing'));
      return ids;
    }

    it('prunes done, ignored and discarded events last updated before the cutoff, with everything they hold', async () => {
      const old = await oneOfEach('old');
      // Stored before the cutoff but finished after it (an operator retried it): kept.
      const touched = (
        await inbox.insert({ webhook: webhookFixture({ eventId: 'touched' }), state: 'pending' })
      ).event.id;
      await tick();
      const cutoff = Date.now();
      await tick();
      await inbox.finishAttempt(touched, await inbox.startAttempt(touched), { state: 'done' });
      const recent = await oneOfEach('recent');

      expect(await inbox.pruneTerminal(cutoff, 100)).toBe(3);
      for (const name of ['done', 'ignored', 'discarded']) expect(await inbox.get(old[name])).toBeUndefined();
      for (const name of ['dead', 'pending', 'retrying', 'processing'])
        expect((await inbox.get(old[name]))?.state).toBe(name);
      for (const id of [touched, ...Object.values(recent)]) expect(await inbox.get(id)).toBeDefined();
      expect(await inbox.pruneTerminal(cutoff, 100)).toBe(0);

      const stats = await inbox.stats();
      expect(stats).toMatchObject({
        total: 12,
        deadLetters: 2,
        byState: { done: 2, ignored: 1, discarded: 1 },
      });
      expect((await inbox.list({ limit: 50, offset: 0 })).total).toBe(12);
      // Attempts left: old dead, retrying, processing (1 each), touched (1), recent set (5).
      expect(await footprint()).toEqual({ events: 12, attempts: 9, dedupe: 12, indexed: 12 });
    });

    it('never prunes dead or open events, however old', async () => {
      await oneOfEach('old');
      await tick();
      expect(await inbox.pruneTerminal(Date.now() + 1, 100)).toBe(3);
      expect((await inbox.stats()).byState).toMatchObject({
        dead: 1,
        pending: 1,
        retrying: 1,
        processing: 1,
      });
    });

    it('prunes at most `limit` events per call', async () => {
      for (let i = 0; i < 3; i++)
        await inbox.insert({ webhook: webhookFixture({ eventId: `ign-${i}` }), state: 'ignored' });
      for (let i = 0; i < 2; i++) {
        const { event } = await inbox.insert({
          webhook: webhookFixture({ eventId: `ok-${i}` }),
          state: 'pending',
        });
        await inbox.finishAttempt(event.id, await inbox.startAttempt(event.id), { state: 'done' });
      }
      await tick();
      const cutoff = Date.now();
      expect(await inbox.pruneTerminal(cutoff, 2)).toBe(2);
      expect(await inbox.pruneTerminal(cutoff, 2)).toBe(2);
      expect(await inbox.pruneTerminal(cutoff, 2)).toBe(1);
      expect(await inbox.pruneTerminal(cutoff, 2)).toBe(0);
      expect(await footprint()).toEqual({ events: 0, attempts: 0, dedupe: 0, indexed: 0 });
    });

    it('accepts a pruned (platform, eventId) again, as a new event with no history', async () => {
      const w = webhookFixture({ eventId: 'again' });
      const first = (await inbox.insert({ webhook: w, state: 'pending' })).event;
      await inbox.finishAttempt(first.id, await inbox.startAttempt(first.id), { state: 'done' });
      await tick();
      expect(await inbox.pruneTerminal(Date.now(), 10)).toBe(1);
      const again = await inbox.insert({ webhook: w, state: 'pending' });
      expect(again.created).toBe(true);
      expect(again.event.id).not.toBe(first.id);
      expect(await inbox.get(again.event.id)).toMatchObject({
        state: 'pending',
        attempts: 0,
        attemptLog: [],
      });
      expect(await inbox.insert({ webhook: w, state: 'pending' })).toMatchObject({
        created: false,
        event: { id: again.event.id },
      });
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
