/*
 * The API as its own process for the crash and multi-instance suites (test-only entry, bundled by
 * api-processes.ts). Config comes from the environment like main.ts; AIA_TEST_OVERRIDES (JSON) carries the
 * AppModuleOverrides a test needs (short timeouts and backoffs). Prints `{"ready": url}` once listening.
 */
import 'reflect-metadata';
import { loadAppConfig } from '@aia/platform';
import { createApiApp } from '../app/create-api-app';
import type { AppModuleOverrides } from '../app/app.module';

async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const overrides = JSON.parse(process.env['AIA_TEST_OVERRIDES'] ?? '{}') as AppModuleOverrides;
  const app = await createApiApp(config, overrides);
  app.enableShutdownHooks();
  await app.listen(config.port, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ ready: `http://127.0.0.1:${config.port}`, pid: process.pid })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
