export default {
  displayName: 'braintree',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/braintree',
};
