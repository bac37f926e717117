import type Redis from 'ioredis';

/*
 * Lua scripts of the Redis inbox. Each runs atomically, so a write can check what it is about to change.
 * Event JSON is never decoded in Lua (cjson would round large numbers and turn `[]` into `{}`); instead a
 * writer passes the SHA-1 of the JSON it read and the script refuses if the stored JSON is no longer that
 * (compare-and-set, the caller reads again and retries).
 */

/** KEYS ev, all, state set, dedupe · ARGV json, stored-at score, id → 1 written, 2 already there, 0 key lost. */
const INSERT = `
if redis.call('GET', KEYS[4]) ~= ARGV[3] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
return 1`;

/**
 * KEYS ev, old state set, new state set, attempts · ARGV sha1 read, new json, id, stored-at score,
 * attempt field ('' = none), attempt json → 1 written, 0 changed meanwhile, -1 gone.
 */
const UPDATE = `
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if redis.sha1hex(current) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if KEYS[2] ~= KEYS[3] then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[4], ARGV[5], ARGV[6]) end
return 1`;

/**
 * KEYS ev, attempts, dedupe, all, state set · ARGV sha1 read, id → 1 deleted, 0 changed meanwhile.
 * The dedupe key goes only if it still names this event.
 */
const PRUNE = `
local current = redis.call('GET', KEYS[1])
if not current or redis.sha1hex(current) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[2])
return 1`;

type Arg = string | number;
type Script = (...keysThenArgs: Arg[]) => Promise<number>;

export interface InboxScripts {
  insert(
    keys: [ev: string, all: string, state: string, dedupe: string],
    args: [json: string, score: number, id: string],
  ): Promise<number>;
  update(
    keys: [ev: string, from: string, to: string, attempts: string],
    args: [sha1: string, json: string, id: string, score: number, attemptField: string, attemptJson: string],
  ): Promise<number>;
  prune(
    keys: [ev: string, attempts: string, dedupe: string, all: string, state: string],
    args: [sha1: string, id: string],
  ): Promise<number>;
}

/** Registers the scripts on the connection (EVALSHA, loaded on first use) and returns typed callers. */
export function defineInboxScripts(redis: Redis): InboxScripts {
  const define = (name: string, lua: string, numberOfKeys: number): Script => {
    redis.defineCommand(name, { lua, numberOfKeys });
    // defineCommand adds the method at run time; ioredis cannot type it.
    const fn = (redis as unknown as Record<string, Script>)[name];
    return (...a) => fn.call(redis, ...a);
  };
  const insert = define('aiaInboxInsert', INSERT, 4);
  const update = define('aiaInboxUpdate', UPDATE, 4);
  const prune = define('aiaInboxPrune', PRUNE, 5);
  return {
    insert: (keys, args) => insert(...keys, ...args),
    update: (keys, args) => update(...keys, ...args),
    prune: (keys, args) => prune(...keys, ...args),
  };
}
