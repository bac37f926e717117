import { requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { keyedLockContract } from './keyed-lock.contract';
import { RedisKeyedLock } from './redis-keyed-lock';

beforeAll(() => requireRedis());

keyedLockContract('Redis', () => new RedisKeyedLock(testRedisConnection(), `aia-lock-test-${process.pid}`));
