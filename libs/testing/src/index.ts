export * from './lib/in-process-emulators';
export * from './lib/chromium';
