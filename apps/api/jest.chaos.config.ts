// `npm run test:chaos` (nx run api:chaos): the money path under faults, triple webhooks and SIGKILLs, on
// SQLite and on Redis (docs/reliability.md, "Chaos suite"). The Redis file needs redis-server at REDIS_URL.
export default {
  displayName: 'api-chaos',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.chaos-spec.ts'],
  coverageDirectory: '../../coverage/apps/api-chaos',
};
