import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigValidationError, loadAppConfig } from '@aia/platform';
import { createApiApp } from './app/create-api-app';

function readConfig(): AppConfig {
  try {
    return loadAppConfig(process.env);
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
  app.get(Logger).log(`API listening on ${config.publicApiUrl} (mode: ${config.mode})`);
}

bootstrap().catch((err) => {
  process.stderr.write(
    `Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
