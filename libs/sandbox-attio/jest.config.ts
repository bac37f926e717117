export default {
  displayName: 'sandbox-attio',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/sandbox-attio',
};
