import { AofDurability, aofSupport, RedisDurabilityError } from './redis-aof-durability';

const info = (version: string, aofEnabled: 0 | 1) =>
  `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\n# Persistence\r\naof_enabled:${aofEnabled}\r\n`;

/** What AofDurability needs of an ioredis client, recorded. */
function fakeRedis(version: string, aofEnabled: 0 | 1, waitaofReply: unknown = [1, 0]) {
  const calls: unknown[][] = [];
  return {
    calls,
    client: {
      async info(section: string) {
        calls.push(['INFO', section]);
        return info(version, aofEnabled);
      },
      async call(command: string, ...args: Array<string | number>) {
        calls.push([command, ...args]);
        if (command === 'WAITAOF') return waitaofReply;
        return 1;
      },
    },
  };
}

describe('aofSupport', () => {
  it('needs Redis 7.2 or later (Valkey reports 7.2.4) with the AOF on', () => {
    expect(aofSupport(info('7.0.15', 1))).toEqual({
      ok: false,
      reason: expect.stringMatching(/WAITAOF needs Redis >= 7\.2; this server is 7\.0\.15/),
    });
    expect(aofSupport(info('7.2.4', 0))).toEqual({
      ok: false,
      reason: expect.stringMatching(/appendonly is off/),
    });
    expect(aofSupport(info('7.2.4', 1))).toEqual({ ok: true });
    expect(aofSupport(info('8.0.2', 1))).toEqual({ ok: true });
    expect(aofSupport('# Server\r\n').ok).toBe(false);
  });
});

describe('AofDurability', () => {
  it('waits for the local AOF fsync of everything written so far (WAITAOF 1 0 <timeout>)', async () => {
    const redis = fakeRedis('7.2.4', 1);
    const durability = new AofDurability(redis.client, 1_500);
    await durability.afterWrite();
    await durability.afterWrite();
    expect(redis.calls.filter((c) => c[0] === 'WAITAOF')).toEqual([
      ['WAITAOF', 1, 0, 1_500],
      ['WAITAOF', 1, 0, 1_500],
    ]);
    // Support is checked once, not per write.
    expect(redis.calls.filter((c) => c[0] === 'INFO')).toHaveLength(2);
  });

  it('refuses (throws before anything is acknowledged) when the fsync did not happen in time', async () => {
    const durability = new AofDurability(fakeRedis('7.2.4', 1, [0, 0]).client, 50);
    await expect(durability.afterWrite()).rejects.toThrow(RedisDurabilityError);
    await expect(durability.afterWrite()).rejects.toThrow(/not fsynced to the AOF within 50 ms/);
  });

  it('refuses clearly on a server without WAITAOF, and never sends it there', async () => {
    const redis = fakeRedis('7.0.15', 1);
    const durability = new AofDurability(redis.client);
    await expect(durability.beforeWrite()).rejects.toThrow(
      /redisDurability 'waitaof': WAITAOF needs Redis >= 7\.2; this server is 7\.0\.15/,
    );
    await expect(durability.check()).rejects.toThrow(RedisDurabilityError);
    expect(redis.calls.some((c) => c[0] === 'WAITAOF')).toBe(false);
  });
});
