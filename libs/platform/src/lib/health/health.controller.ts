import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { ReadinessRegistry } from './readiness.registry';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Dependencies are usable (Render health check)' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.readiness.list());
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        throw new DomainError(ErrorCode.ServiceUnavailable, 'Not ready', err.getResponse());
      }
      throw err;
    }
  }
}
