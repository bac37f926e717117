export * from './lib/attio.types';
export * from './lib/attio.options';
export * from './lib/attio.client';
export * from './lib/attio.module';
export * from './lib/attio-error.classifier';
export * from './lib/attio-http.transport';
export * from './lib/attio-values';
export * from './lib/attio-webhook.guard';
