export default {
  displayName: 'sandbox',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/sandbox',
};
