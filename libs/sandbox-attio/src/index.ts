export * from './lib/attio-emulator';
export * from './lib/attio-error';
export * from './lib/attio-model';
export { AttioState, type RecordChange } from './lib/attio-state';
export { AttioRecords } from './lib/attio-records';
export {
  AttioWebhookBatcher,
  signAttioBody,
  filterMatches,
  type AttioWebhookEvent,
} from './lib/attio-webhook-events';
