export default {
  displayName: 'sandbox-braintree',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/sandbox-braintree',
};
