export * from './lib/checkout.contracts';
