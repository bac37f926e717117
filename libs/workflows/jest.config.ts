export default {
  displayName: 'workflows',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/workflows',
};
