export * from './lib/clock';
export * from './lib/emulator-server';
export * from './lib/fault-injector';
export * from './lib/json-file-store';
export * from './lib/random';
export * from './lib/rate-window';
export * from './lib/webhook-dispatcher';
