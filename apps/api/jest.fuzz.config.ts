// `npm run test:fuzz`: property-based fuzzing of the public endpoints (fast-check), 5,000 cases.
export default {
  displayName: 'api-fuzz',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.fuzz.ts'],
  coverageDirectory: '../../coverage/apps/api-fuzz',
};
