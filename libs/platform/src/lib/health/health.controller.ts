import { Controller, Get, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { PolicyRegistry } from '../resilience/policy-registry';
import { ReadinessCheck, ReadinessRegistry } from './readiness.registry';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessRegistry,
    @Optional() private readonly policies?: PolicyRegistry,
  ) {}

  /**
   * Breaker states are reported but never make the instance unready: with a platform down, webhooks can
   * still be stored and processed later, and restarting the instance would not bring the platform back.
   */
  private breakers(): ReadinessCheck[] {
    const policies = this.policies;
    return policies ? [async () => ({ breakers: { status: 'up', ...policies.states() } })] : [];
  }

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Dependencies are usable (Render health check)' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([...this.readiness.list(), ...this.breakers()]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        throw new DomainError(ErrorCode.ServiceUnavailable, 'Not ready', err.getResponse());
      }
      throw err;
    }
  }
}
