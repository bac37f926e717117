export default {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 60_000,
};
