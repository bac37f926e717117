export default {
  displayName: 'events',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/events',
};
