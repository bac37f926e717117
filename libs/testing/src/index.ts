export * from './lib/in-process-emulators';
