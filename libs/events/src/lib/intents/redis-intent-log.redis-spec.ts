import { requireRedis, testRedisConnection } from '../testing/redis-test-env';
import { intentLogContract } from './intent-log.contract';
import { RedisIntentLog } from './redis-intent-log';

beforeAll(() => requireRedis());

intentLogContract('Redis', () => new RedisIntentLog(testRedisConnection(), `aia-intent-test-${process.pid}`));
