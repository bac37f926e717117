import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, loadAppConfig } from '@aia/platform';
import { reconciliationTable, ReconciliationUseCase } from '@aia/workflows';
import { AppModule } from '../app/app.module';
import type { CliIo } from './cli-process';

const USAGE = `usage: npm run reconcile -- --from YYYY-MM-DD --to YYYY-MM-DD [--heal] [--json]

Compares the Zoho invoices dated in the range with Braintree sales and Zoho payments, and the Attio status
of each customer. Dry run by default; --heal records missing Zoho payments and rewrites stale Attio statuses.
Exit code: 0 when everything agrees (or was healed), 1 when mismatches remain, 2 on bad input or a failure.`;

/**
 * `npm run reconcile`: the reconciliation use case in a Nest application context (no HTTP, no workers), with
 * the same configuration as the API. Returns the exit code.
 */
export async function runReconcile(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        heal: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (!args.from || !args.to) {
    io.err(`--from and --to are required\n${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    // Logs would mix with the report: the CLI is quiet unless LOG_LEVEL is set for it.
    config = loadAppConfig({ ...env, LOG_LEVEL: env['RECONCILE_LOG_LEVEL'] ?? 'silent' });
  } catch (err) {
    io.err(`${err instanceof ConfigValidationError ? err.message : String(err)}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, {
      events: { workers: false },
      workflows: { workers: false, provisionOnStart: false },
    }),
    { logger: false },
  );
  try {
    let shown = -1;
    const report = await app.get(ReconciliationUseCase).execute({
      from: args.from,
      to: args.to,
      heal: args.heal,
      onProgress: (done, total) => {
        // Every 25 invoices and at the end: enough to see a long range move, never a flood.
        if (done === total || done - shown >= 25) {
          shown = done;
          io.err(`[reconcile] ${done}/${total} invoices\n`);
        }
      },
    });
    io.out(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${reconciliationTable(report)}\n`);
    return report.unhealed > 0 ? 1 : 0;
  } catch (err) {
    io.err(`reconciliation failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  } finally {
    await app.close();
  }
}
