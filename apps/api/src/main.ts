import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigValidationError, loadAppConfig } from '@aia/platform';
import { createApiApp } from './app/create-api-app';
import { roleFromArgs } from './app/process-role';

function readConfig(): AppConfig {
  // `--role` is read before the config: it overrides APP_ROLE, and a bad value stops here with exit 1.
  let env: NodeJS.ProcessEnv = process.env;
  try {
    const role = roleFromArgs(process.argv.slice(2));
    if (role) env = { ...process.env, APP_ROLE: role };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  try {
    return loadAppConfig(env);
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\nSee .env.example and README.md#configuration.\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const app = await createApiApp(config);
  await app.listen(config.port, '0.0.0.0');
  app.get(Logger).log(`API listening on ${config.publicApiUrl} (mode: ${config.mode}, role: ${config.role})`);
}

bootstrap().catch((err) => {
  process.stderr.write(
    `Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
