export default {
  displayName: 'sandbox-zoho',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/sandbox-zoho',
};
