// The Redis adapters' suites (BullMQ queue, Redis inbox, Redis crash run): `nx run events:e2e`.
// They need redis-server on REDIS_URL (default redis://127.0.0.1:6379) and FAIL without it.
export default {
  displayName: 'events-redis',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.redis-spec.ts'],
  coverageDirectory: '../../coverage/libs/events-redis',
};
