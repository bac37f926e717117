import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { AttioProvisioningUseCase, describeChanges } from './use-cases/attio-provisioning.use-case';
import { WORKFLOWS_OPTIONS } from './workflows.options';
import type { WorkflowsModuleOptions } from './workflows.options';

/** Tries again this often while the emulators are still starting (npm start launches them side by side). */
export const SANDBOX_PROVISION_RETRY_MS = 2_000;
export const SANDBOX_PROVISION_ATTEMPTS = 15;

/**
 * In sandbox mode the workflows work out of the box: the Attio emulator gets our attributes and options
 * at start-up. In the background, so the API answers health checks while the emulators come up; live
 * workspaces are provisioned by an operator on purpose (never implicitly).
 */
@Injectable()
export class SandboxProvisioner implements OnApplicationBootstrap {
  private readonly logger = new Logger('SandboxProvisioning');
  private timer?: NodeJS.Timeout;
  done?: Promise<void>;

  constructor(
    private readonly provisioning: AttioProvisioningUseCase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKFLOWS_OPTIONS) private readonly options: WorkflowsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const enabled = this.options.provisionOnStart ?? this.config.mode === 'sandbox';
    if (enabled) this.done = this.run(1);
  }

  private async run(attempt: number): Promise<void> {
    try {
      const result = await this.provisioning.execute();
      this.logger.log(`Attio emulator ready for the workflows (${describeChanges(result.changes)})`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (attempt >= SANDBOX_PROVISION_ATTEMPTS) {
        this.logger.error(`could not provision the Attio emulator: ${message}`);
        return;
      }
      this.logger.warn(`Attio emulator not ready (${message}); trying again`);
      await new Promise<void>((resolve) => {
        this.timer = setTimeout(resolve, SANDBOX_PROVISION_RETRY_MS);
        this.timer.unref();
      });
      return this.run(attempt + 1);
    }
  }
}
