export default {
  displayName: 'sandbox-kit',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/sandbox-kit',
};
