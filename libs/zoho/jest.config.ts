export default {
  displayName: 'zoho',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/zoho',
};
