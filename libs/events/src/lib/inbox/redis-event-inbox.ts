import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { RedisConnection } from '../queue/redis-connection';
import { HOUR_MS, histogramHours, searchTerm } from './event-inbox';
import type { EventInbox, InboxHistogram, InboxInsert, InboxQuery, InboxStats } from './event-inbox';
import { AofDurability } from './redis-aof-durability';
import type { RedisDurability } from './redis-aof-durability';
import { defineInboxScripts } from './redis-inbox-scripts';
import type { InboxScripts } from './redis-inbox-scripts';
import {
  defaultEventKey,
  EVENT_STATES,
  eventJobId,
  OPEN_EVENT_STATES,
  PRUNABLE_EVENT_STATES,
} from './stored-event';
import type { EventAttempt, EventState, EventSummary, StoredEvent, StoredEventDetail } from './stored-event';

/**
 * The inbox shared by several instances, in the same Redis as the queue: every instance can answer a
 * repeat delivery, any worker can load any event, and the admin API sees everything.
 * Keys under `<prefix>:inbox:`: `ev:<id>` (JSON), `att:<id>` (hash attempt → JSON), `dedupe:<platform>:<eventId>`
 * (→ id), `all` and `state:<state>` (sorted sets by stored time). Filters on platform/type and the search
 * scan the candidate set (newest first, LIST_PAGE events per round trip): fine for operator use, not for
 * analytics. The hourly histogram counts the state sets by score range (ZCOUNT), without loading events. Every change of an event runs as one Lua
 * script that first checks the event is still what the caller read, so instances never interleave.
 */
export interface RedisEventInboxOptions {
  /** 'waitaof': answer an insert only once the AOF is fsynced past it (redis-aof-durability.ts). Default 'none'. */
  durability?: RedisDurability;
  /** Default WAITAOF_TIMEOUT_MS. */
  waitAofTimeoutMs?: number;
}

export class RedisEventInbox implements EventInbox {
  private readonly redis: Redis;
  private readonly scripts: InboxScripts;
  private readonly aof?: AofDurability;

  constructor(
    connection: RedisConnection,
    private readonly prefix = 'aia',
    options: RedisEventInboxOptions = {},
  ) {
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 2, connectTimeout: 3_000 });
    this.redis.on('error', () => undefined); // surfaced by the failing command instead
    this.scripts = defineInboxScripts(this.redis);
    if (options.durability === 'waitaof') this.aof = new AofDurability(this.redis, options.waitAofTimeoutMs);
  }

  async insert(input: InboxInsert): Promise<{ event: StoredEvent; created: boolean }> {
    if (!this.aof) return this.write(input);
    await this.aof.beforeWrite();
    const result = await this.write(input);
    // A repeat wrote nothing itself, but the event it found may be younger than the last fsync (written by
    // another instance a moment ago): one write of its own makes WAITAOF cover everything before it.
    if (!result.created) await this.redis.incr(this.k('aof-mark'));
    await this.aof.afterWrite();
    return result;
  }

  private async write({
    webhook,
    state,
    key,
  }: InboxInsert): Promise<{ event: StoredEvent; created: boolean }> {
    const dedupe = this.k(`dedupe:${webhook.platform}:${webhook.eventId}`);
    // Rarely more than one pass: only when retention prunes this (platform, eventId) meanwhile.
    for (let pass = 0; pass < MAX_WRITE_PASSES; pass++) {
      const fresh = randomUUID();
      const claimed = await this.redis.set(dedupe, fresh, 'NX');
      const id = claimed ? fresh : await this.redis.get(dedupe);
      if (!id) continue;
      if (!claimed) {
        const held = await this.load(id);
        if (held) return { event: held, created: false };
        // The first delivery died between its two writes: finish its work now, under its id.
      }
      const now = Date.now();
      const event: StoredEvent = {
        id,
        platform: webhook.platform,
        eventId: webhook.eventId,
        type: webhook.type,
        state,
        receivedAt: webhook.receivedAt,
        storedAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        attempts: 0,
        jobId: eventJobId(id),
        key: key ?? defaultEventKey(webhook),
        payload: webhook.payload ?? null,
        rawBody: webhook.rawBody,
        headers: webhook.headers ?? {},
      };
      const written = await this.scripts.insert(
        [this.k(`ev:${id}`), this.k('all'), this.k(`state:${state}`), dedupe],
        [JSON.stringify(event), now, id],
      );
      if (written === 1) return { event, created: true };
      if (written === 2) {
        // A concurrent repeat finished the half-written delivery first.
        const held = await this.load(id);
        if (held) return { event: held, created: false };
      }
      // 0: the dedupe key was pruned (or re-claimed) since we read it; never revive a pruned id.
    }
    throw new Error(
      `could not store ${webhook.platform} event ${webhook.eventId}: its dedupe key kept changing`,
    );
  }

  async get(id: string): Promise<StoredEventDetail | undefined> {
    const event = await this.load(id);
    if (!event) return undefined;
    const raw = await this.redis.hvals(this.k(`att:${id}`));
    const attemptLog = raw.map((r) => JSON.parse(r) as EventAttempt).sort((a, b) => a.attempt - b.attempt);
    return { ...event, attemptLog };
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    return this.load(id);
  }

  async list(query: InboxQuery): Promise<{ items: EventSummary[]; total: number }> {
    const set = this.k(query.state ? `state:${query.state}` : 'all');
    const q = searchTerm(query.q);
    if (!query.platform && !query.type && q === undefined) {
      const [total, ids] = await Promise.all([
        this.redis.zcard(set),
        this.redis.zrevrange(set, query.offset, query.offset + query.limit - 1),
      ]);
      return { items: (await this.loadMany(ids)).map(summary), total };
    }
    const matches = (e: StoredEvent) =>
      (!query.platform || e.platform === query.platform) &&
      (!query.type || e.type === query.type) &&
      (q === undefined || [e.id, e.eventId, e.type, e.key].some((v) => v.toLowerCase().includes(q)));
    // The ids in one read (a consistent order), the events in pages: no single MGET carries the whole
    // backlog, and only the page asked for is kept.
    const ids = await this.redis.zrevrange(set, 0, -1);
    const items: EventSummary[] = [];
    let total = 0;
    for (let from = 0; from < ids.length; from += LIST_PAGE) {
      for (const e of await this.loadMany(ids.slice(from, from + LIST_PAGE))) {
        if (!matches(e)) continue;
        if (total >= query.offset && items.length < query.limit) items.push(summary(e));
        total++;
      }
    }
    return { items, total };
  }

  async idsInStates(
    states: readonly EventState[],
    olderThan: number,
    limit: number,
  ): Promise<Array<{ id: string; key: string }>> {
    const ids: string[] = [];
    for (const s of states)
      ids.push(
        ...(await this.redis.zrangebyscore(this.k(`state:${s}`), '-inf', `(${olderThan}`, 'LIMIT', 0, limit)),
      );
    return (await this.loadMany(ids.slice(0, limit))).map((e) => ({ id: e.id, key: e.key }));
  }

  async startAttempt(id: string): Promise<number> {
    const after = await this.update(
      id,
      (e) => ({ ...e, state: 'processing', attempts: e.attempts + 1 }),
      (e) => ({ attempt: e.attempts, startedAt: new Date().toISOString(), outcome: 'running' }),
    );
    if (!after) throw new Error(`event ${id} is not in the inbox`);
    return after.attempts;
  }

  async finishAttempt(
    id: string,
    attempt: number,
    outcome: { state: Extract<EventState, 'done' | 'retrying' | 'dead'>; error?: EventAttempt['error'] },
  ): Promise<void> {
    // Only the worker that started this attempt number writes its row, so reading it first is safe.
    const raw = await this.redis.hget(this.k(`att:${id}`), String(attempt));
    const started = raw
      ? (JSON.parse(raw) as EventAttempt)
      : { attempt, startedAt: new Date().toISOString(), outcome: 'running' as const };
    const finished: EventAttempt = {
      ...started,
      finishedAt: new Date().toISOString(),
      outcome: outcome.error ? 'failed' : 'succeeded',
      ...(outcome.error ? { error: outcome.error } : {}),
    };
    await this.update(
      id,
      (e) => ({
        ...e,
        state: outcome.state,
        ...(outcome.error ? { lastError: `${outcome.error.name}: ${outcome.error.message}` } : {}),
      }),
      () => finished,
    );
  }

  async setState(
    id: string,
    state: EventState,
    extra: { error?: string; discardReason?: string } = {},
  ): Promise<void> {
    await this.update(id, (e) => {
      const { discardReason: _drop, ...rest } = e;
      return {
        ...rest,
        state,
        ...(extra.error ? { lastError: extra.error } : {}),
        ...(extra.discardReason ? { discardReason: extra.discardReason } : {}),
      };
    });
  }

  async pruneTerminal(olderThan: number, limit: number): Promise<number> {
    let pruned = 0;
    for (const state of PRUNABLE_EVENT_STATES) {
      const set = this.k(`state:${state}`);
      // Members stay in their set by stored time; updatedAt >= storedAt, so only those stored before the
      // cutoff can qualify. Ones updated since (an operator retried them) are stepped over.
      let skipped = 0;
      while (pruned < limit) {
        const want = Math.min(limit - pruned, PRUNE_PAGE);
        const ids = await this.redis.zrangebyscore(set, '-inf', `(${olderThan}`, 'LIMIT', skipped, want);
        if (!ids.length) break;
        const raws = await this.redis.mget(...ids.map((id) => this.k(`ev:${id}`)));
        // One script per event: Redis serves other clients between them, however big the backlog.
        const results = await Promise.all(
          ids.map((id, i) => {
            const raw = raws[i];
            if (!raw) return 0;
            const e = JSON.parse(raw) as StoredEvent;
            if (e.state !== state || Date.parse(e.updatedAt) >= olderThan) return 0;
            return this.scripts.prune(
              [
                this.k(`ev:${id}`),
                this.k(`att:${id}`),
                this.k(`dedupe:${e.platform}:${e.eventId}`),
                this.k('all'),
                set,
              ],
              [sha1(raw), id],
            );
          }),
        );
        const removed = results.filter((r) => r === 1).length;
        pruned += removed;
        skipped += ids.length - removed;
        if (ids.length < want) break;
      }
    }
    return pruned;
  }

  async stats(): Promise<InboxStats> {
    const byState = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<EventState, number>;
    const pipeline = this.redis.pipeline();
    for (const s of EVENT_STATES) pipeline.zcard(this.k(`state:${s}`));
    const results = (await pipeline.exec()) ?? [];
    let total = 0;
    EVENT_STATES.forEach((s, i) => {
      byState[s] = Number(results[i]?.[1] ?? 0);
      total += byState[s];
    });
    let oldest: number | null = null;
    for (const s of OPEN_EVENT_STATES) {
      const [, score] = await this.redis.zrange(this.k(`state:${s}`), '0', '0', 'WITHSCORES');
      if (score !== undefined && (oldest === null || Number(score) < oldest)) oldest = Number(score);
    }
    return {
      byState,
      oldestPendingAgeSeconds: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
      deadLetters: byState.dead,
      total,
    };
  }

  async histogram(hours: number, now = Date.now()): Promise<InboxHistogram> {
    const starts = histogramHours(hours, now);
    const pipeline = this.redis.pipeline();
    for (const h of starts)
      for (const s of EVENT_STATES) pipeline.zcount(this.k(`state:${s}`), h, `(${h + HOUR_MS}`);
    const results = (await pipeline.exec()) ?? [];
    return {
      hours: starts.map((h, i) => ({
        hour: new Date(h).toISOString(),
        counts: Object.fromEntries(
          EVENT_STATES.map((s, j) => [s, Number(results[i * EVENT_STATES.length + j]?.[1] ?? 0)]),
        ) as Record<EventState, number>,
      })),
    };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
    // Readiness: an instance that refuses every webhook (WAITAOF unsupported) is not ready.
    await this.aof?.check();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  /**
   * Read, change, write back only if nobody wrote in between (else read again). Returns the event as
   * written, or undefined when it is not (or no longer) in the inbox. `attempt` is written in the same step.
   */
  private async update(
    id: string,
    change: (e: StoredEvent) => StoredEvent,
    attempt?: (after: StoredEvent) => EventAttempt,
  ): Promise<StoredEvent | undefined> {
    const key = this.k(`ev:${id}`);
    for (let pass = 0; pass < MAX_WRITE_PASSES; pass++) {
      const raw = await this.redis.get(key);
      if (!raw) return undefined;
      const before = JSON.parse(raw) as StoredEvent;
      const after = { ...change(before), updatedAt: new Date().toISOString() };
      const row = attempt?.(after);
      const written = await this.scripts.update(
        [key, this.k(`state:${before.state}`), this.k(`state:${after.state}`), this.k(`att:${id}`)],
        [
          sha1(raw),
          JSON.stringify(after),
          id,
          Date.parse(before.storedAt),
          row ? String(row.attempt) : '',
          row ? JSON.stringify(row) : '',
        ],
      );
      if (written === 1) return after;
      if (written === -1) return undefined;
    }
    throw new Error(`event ${id}: gave up after ${MAX_WRITE_PASSES} concurrent updates`);
  }

  private async load(id: string): Promise<StoredEvent | undefined> {
    const raw = await this.redis.get(this.k(`ev:${id}`));
    return raw ? (JSON.parse(raw) as StoredEvent) : undefined;
  }

  private async loadMany(ids: string[]): Promise<StoredEvent[]> {
    if (!ids.length) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.k(`ev:${id}`)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as StoredEvent);
  }

  private k(suffix: string): string {
    return `${this.prefix}:inbox:${suffix}`;
  }
}

/** Write attempts before giving up under contention (each lost one means another writer succeeded). */
const MAX_WRITE_PASSES = 50;
/** Events read per round trip by a filtered or searched list. */
const LIST_PAGE = 500;
/** Events read per round trip while pruning (their JSON is loaded to check the last update). */
const PRUNE_PAGE = 100;

function sha1(raw: string): string {
  return createHash('sha1').update(raw, 'utf8').digest('hex');
}

function summary(e: StoredEvent): EventSummary {
  const { payload: _p, rawBody: _r, headers: _h, ...rest } = e;
  return rest;
}
