export * from './lib/in-process-emulators';
export * from './lib/chromium';
export * from './lib/attio-record-values';
