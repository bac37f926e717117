export * from './lib/checkout.contracts';
export * from './lib/ops.contracts';
