// Moved to @aia/platform (libs/platform/src/lib/admin) so the platform's own admin routes can use it;
// re-exported here so `import { AdminTokenGuard } from '@aia/events'` keeps working.
export { AdminTokenGuard } from '@aia/platform';
