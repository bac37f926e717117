// The API suites that need Redis (the money path with two API processes on BullMQ): `nx run api:e2e`.
export default {
  displayName: 'api-redis',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.redis-spec.ts'],
  coverageDirectory: '../../coverage/apps/api-redis',
};
