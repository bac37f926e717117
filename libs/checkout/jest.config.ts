export default {
  displayName: 'checkout-api',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/libs/checkout',
};
