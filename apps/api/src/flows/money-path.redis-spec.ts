import { describeMoneyPath } from '../testing/money-path.suite';

jest.setTimeout(60_000);

// Needs redis-server on REDIS_URL (default redis://127.0.0.1:6379); fails, never skips, without it.
describeMoneyPath('redis');
