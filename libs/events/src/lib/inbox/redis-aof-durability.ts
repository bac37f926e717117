/**
 * `redisDurability: 'waitaof'`: the Redis inbox acknowledges a webhook only once Redis has fsynced its AOF up
 * to the inbox write (`WAITAOF 1 0 <timeout>`, Redis >= 7.2, appendonly on). Without it a 200 may be answered
 * for an event that the next Redis crash loses: up to ~1 s of writes with `appendfsync everysec`, everything
 * since the last snapshot without an AOF. On a server without WAITAOF (Redis < 7.2, or the AOF off) every
 * webhook is refused with a clear error, never acknowledged on a weaker promise (docs/events.md).
 */

export type RedisDurability = 'none' | 'waitaof';

/** How long, in milliseconds, an inbox write may wait for its AOF fsync before the webhook is refused (503). */
export const WAITAOF_TIMEOUT_MS = 2_000;

/** The server cannot give the durability asked for, or did not in time: the webhook is not acknowledged. */
export class RedisDurabilityError extends Error {
  override readonly name = 'RedisDurabilityError';
}

/** The part of an ioredis client this needs. */
export interface AofClient {
  info(section: string): Promise<string>;
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

/** Whether INFO (server + persistence sections) describes a server where WAITAOF 1 0 can succeed. */
export function aofSupport(info: string): { ok: true } | { ok: false; reason: string } {
  const version = /^redis_version:(\d+)\.(\d+)\.?([\w.-]*)\s*$/m.exec(info);
  if (!version)
    return { ok: false, reason: 'WAITAOF needs Redis >= 7.2; the server did not report its version' };
  const [, major, minor] = version.map(Number);
  const shown = `${version[1]}.${version[2]}${version[3] ? `.${version[3]}` : ''}`;
  if (major < 7 || (major === 7 && minor < 2))
    return { ok: false, reason: `WAITAOF needs Redis >= 7.2; this server is ${shown}` };
  if (!/^aof_enabled:1\s*$/m.test(info))
    return { ok: false, reason: 'appendonly is off on this server, so there is no AOF fsync to wait for' };
  return { ok: true };
}

export class AofDurability {
  /** Set once the server was seen to support it; a refusal is checked again on the next write. */
  private supported = false;

  constructor(
    private readonly redis: AofClient,
    private readonly timeoutMs = WAITAOF_TIMEOUT_MS,
  ) {}

  /** Throws RedisDurabilityError unless the server can fsync-confirm writes (readiness, before a write). */
  async check(): Promise<void> {
    if (this.supported) return;
    const info = `${await this.redis.info('server')}\n${await this.redis.info('persistence')}`;
    const support = aofSupport(info);
    if (!support.ok) throw new RedisDurabilityError(`redisDurability 'waitaof': ${support.reason}`);
    this.supported = true;
  }

  /** Before an inbox write: refuse it (nothing written) where it could not be made durable. */
  async beforeWrite(): Promise<void> {
    await this.check();
  }

  /**
   * After the write, before the acknowledgement: waits until the AOF is fsynced past this connection's last
   * write. The AOF is one log in command order, so that covers every earlier write of any client too.
   */
  async afterWrite(): Promise<void> {
    await this.check();
    const reply = (await this.redis.call('WAITAOF', 1, 0, this.timeoutMs)) as [number, number];
    if (!Array.isArray(reply) || Number(reply[0]) < 1)
      throw new RedisDurabilityError(
        `redisDurability 'waitaof': the inbox write was not fsynced to the AOF within ${this.timeoutMs} ms`,
      );
  }
}
