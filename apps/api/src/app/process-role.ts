import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, APP_ROLES, ReadinessRegistry } from '@aia/platform';
import type { AppConfig, AppRole } from '@aia/platform';

/** Says in /health/ready which role this process runs (`process: {status: 'up', role}`); never down. */
@Injectable()
export class ProcessRoleReadiness implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { role } = this.config;
    this.readiness.register('process', async () => ({ process: { status: 'up', role } }));
  }
}

/**
 * `--role web|worker|all` (or `--role=…`) on the built entry overrides APP_ROLE, so one Render service can
 * run `node dist/apps/api/main.js --role worker` next to the web service without another variable.
 * Returns the role given, or undefined; throws a message for a bad or missing value.
 */
export function roleFromArgs(argv: readonly string[]): AppRole | undefined {
  let role: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--role') {
      role = argv[i + 1];
      if (role === undefined || role.startsWith('--'))
        throw new Error(`--role needs a value: ${APP_ROLES.join(', ')}`);
      i++;
    } else if (arg.startsWith('--role=')) {
      role = arg.slice('--role='.length);
    }
  }
  if (role === undefined) return undefined;
  if (!(APP_ROLES as readonly string[]).includes(role))
    throw new Error(`--role must be one of ${APP_ROLES.join(', ')} (got "${role}")`);
  return role as AppRole;
}
