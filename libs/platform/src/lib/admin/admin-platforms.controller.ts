import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OpsPlatformsReport } from '@aia/contracts';
import { AdminTokenGuard } from './admin-token.guard';
import { InstanceHealthPublisher } from './instance-health.publisher';

/**
 * GET /admin/platforms: each platform's breaker state, latest failed upstream attempts and client-side rate
 * limiters' use of their window, per live instance. `instances` holds every instance that published its
 * snapshot to the instance health board (workers included: with the Redis backend the board is shared; on one
 * process it is this one alone), the answering one with a fresh snapshot; `instance` and `platforms` are the
 * answering instance's, as before.
 */
@ApiTags('admin')
@ApiBearerAuth('admin')
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminPlatformsController {
  constructor(private readonly health: InstanceHealthPublisher) {}

  @Get('platforms')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Breaker state, recent upstream failures and rate-limit headroom per platform, per live instance',
  })
  @ApiOkResponse({ description: 'OpsPlatformsReport (libs/contracts/src/lib/ops.contracts.ts)' })
  async report(): Promise<OpsPlatformsReport> {
    const self = this.health.current();
    const instances = await this.health.instances(self);
    return {
      instance: { role: self.role, pid: self.pid, startedAt: self.startedAt },
      platforms: self.platforms,
      instances,
    };
  }
}
