import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { RedisConnection } from '../queue/redis-connection';
import type { EventInbox, InboxInsert, InboxQuery, InboxStats } from './event-inbox';
import { EVENT_STATES, eventJobId, OPEN_EVENT_STATES } from './stored-event';
import type { EventAttempt, EventState, EventSummary, StoredEvent, StoredEventDetail } from './stored-event';

/**
 * The inbox shared by several instances, in the same Redis as the queue: every instance can answer a
 * repeat delivery, any worker can load any event, and the admin API sees everything.
 * Keys under `<prefix>:inbox:`: `ev:<id>` (JSON), `att:<id>` (hash attempt → JSON), `dedupe:<platform>:<eventId>`
 * (→ id), `all` and `state:<state>` (sorted sets by stored time). Filters on platform/type scan the
 * candidate set: fine for operator use, not for analytics.
 */
export class RedisEventInbox implements EventInbox {
  private readonly redis: Redis;

  constructor(
    connection: RedisConnection,
    private readonly prefix = 'aia',
  ) {
    this.redis = new Redis({ ...connection, maxRetriesPerRequest: 2, connectTimeout: 3_000 });
    this.redis.on('error', () => undefined); // surfaced by the failing command instead
  }

  async insert({ webhook, state, key }: InboxInsert): Promise<{ event: StoredEvent; created: boolean }> {
    const dedupe = this.k(`dedupe:${webhook.platform}:${webhook.eventId}`);
    const fresh = randomUUID();
    const claimed = await this.redis.set(dedupe, fresh, 'NX');
    const id = claimed ? fresh : ((await this.redis.get(dedupe)) ?? fresh);
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
      key: key ?? `${webhook.platform}:${webhook.eventId}`,
      payload: webhook.payload ?? null,
      rawBody: webhook.rawBody,
      headers: webhook.headers ?? {},
    };
    await this.redis
      .multi()
      .set(this.k(`ev:${id}`), JSON.stringify(event))
      .zadd(this.k('all'), now, id)
      .zadd(this.k(`state:${state}`), now, id)
      .exec();
    return { event, created: true };
  }

  async get(id: string): Promise<StoredEventDetail | undefined> {
    const event = await this.load(id);
    if (!event) return undefined;
    const raw = await this.redis.hvals(this.k(`att:${id}`));
    const attemptLog = raw.map((r) => JSON.parse(r) as EventAttempt).sort((a, b) => a.attempt - b.attempt);
    return { ...event, attemptLog };
  }

  async list(query: InboxQuery): Promise<{ items: EventSummary[]; total: number }> {
    const set = this.k(query.state ? `state:${query.state}` : 'all');
    if (!query.platform && !query.type) {
      const [total, ids] = await Promise.all([
        this.redis.zcard(set),
        this.redis.zrevrange(set, query.offset, query.offset + query.limit - 1),
      ]);
      return { items: (await this.loadMany(ids)).map(summary), total };
    }
    const all = await this.loadMany(await this.redis.zrevrange(set, 0, -1));
    const matching = all.filter(
      (e) => (!query.platform || e.platform === query.platform) && (!query.type || e.type === query.type),
    );
    return {
      items: matching.slice(query.offset, query.offset + query.limit).map(summary),
      total: matching.length,
    };
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
    let attempt = 0;
    await this.update(id, (e) => {
      attempt = e.attempts + 1;
      return { ...e, state: 'processing', attempts: attempt };
    });
    if (!attempt) throw new Error(`event ${id} is not in the inbox`);
    const attemptRow: EventAttempt = { attempt, startedAt: new Date().toISOString(), outcome: 'running' };
    await this.redis.hset(this.k(`att:${id}`), String(attempt), JSON.stringify(attemptRow));
    return attempt;
  }

  async finishAttempt(
    id: string,
    attempt: number,
    outcome: { state: Extract<EventState, 'done' | 'retrying' | 'dead'>; error?: EventAttempt['error'] },
  ): Promise<void> {
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
    await this.redis.hset(this.k(`att:${id}`), String(attempt), JSON.stringify(finished));
    await this.update(id, (e) => ({
      ...e,
      state: outcome.state,
      ...(outcome.error ? { lastError: `${outcome.error.name}: ${outcome.error.message}` } : {}),
    }));
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

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  /** Test helper: removes every inbox key under this prefix. */
  async clearForTest(): Promise<void> {
    const keys = await this.redis.keys(`${this.k('')}*`);
    if (keys.length) await this.redis.del(...keys);
  }

  private async update(id: string, change: (e: StoredEvent) => StoredEvent): Promise<void> {
    const before = await this.load(id);
    if (!before) return;
    const after = { ...change(before), updatedAt: new Date().toISOString() };
    const storedAt = Date.parse(before.storedAt);
    const tx = this.redis.multi().set(this.k(`ev:${id}`), JSON.stringify(after));
    if (after.state !== before.state) {
      tx.zrem(this.k(`state:${before.state}`), id).zadd(this.k(`state:${after.state}`), storedAt, id);
    }
    await tx.exec();
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

function summary(e: StoredEvent): EventSummary {
  const { payload: _p, rawBody: _r, headers: _h, ...rest } = e;
  return rest;
}
