import { Controller, Get, Header, Inject, Optional, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OpsPlatformsReport } from '@aia/contracts';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/app-config';
import { PolicyRegistry } from '../resilience/policy-registry';
import { AdminTokenGuard } from './admin-token.guard';

/** When this process started (the same for every request it answers). */
const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

/**
 * GET /admin/platforms: what this instance sees of each platform right now — breaker state, the latest failed
 * upstream attempts and the client-side rate limiters' use of their window. In-memory and per instance: with
 * several instances each answers for itself (`instance` says which one answered).
 */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminPlatformsController {
  private readonly role: string;

  constructor(
    private readonly policies: PolicyRegistry,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    // Hand-built test configs may leave the role out: such a process does everything.
    this.role = config?.role ?? 'all';
  }

  @Get('platforms')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Breaker state, recent upstream failures and rate-limit headroom per platform (this instance)',
  })
  @ApiOkResponse({ description: 'OpsPlatformsReport (libs/contracts/src/lib/ops.contracts.ts)' })
  report(): OpsPlatformsReport {
    return {
      instance: { role: this.role, pid: process.pid, startedAt: PROCESS_STARTED_AT },
      platforms: this.policies.snapshot(),
    };
  }
}
