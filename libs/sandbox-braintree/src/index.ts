export * from './lib/braintree-emulator';
export * from './lib/braintree-state';
export * from './lib/processor-responses';
export * from './lib/sdk-environment';
export * from './lib/test-values';
export * from './lib/transactions.engine';
export * from './lib/vault.engine';
export * from './lib/webhook-notifier';
