import { type DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { AdminPlatformsController } from '../admin/admin-platforms.controller';
import { InstanceHealthPublisher } from '../admin/instance-health.publisher';
import { PolicyRegistry } from '../resilience/policy-registry';
import { metricsRegistry, UpstreamMetrics } from './metrics';
import { MetricsController } from './metrics.controller';

let defaultMetricsStarted = false;

export interface MetricsModuleOptions {
  /**
   * Serve GET /admin/platforms (default true). A process that serves no admin API (APP_ROLE=worker) passes
   * false: it keeps /metrics only.
   */
  adminRoutes?: boolean;
}

/**
 * Global: serves GET /metrics (Prometheus text format) from the process registry and provides
 * PolicyRegistry and UpstreamMetrics to every module; publishes the registry's snapshot to the instance
 * health board (InstanceHealthPublisher: in memory, or the board another module provides under
 * INSTANCE_HEALTH_BOARD) and serves GET /admin/platforms (every live instance's snapshot, behind the admin
 * token).
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    if (!defaultMetricsStarted) {
      // Process metrics (CPU, memory, event loop lag); registering them twice would throw.
      collectDefaultMetrics({ register: metricsRegistry });
      defaultMetricsStarted = true;
    }
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController, ...(options.adminRoutes === false ? [] : [AdminPlatformsController])],
      providers: [
        PolicyRegistry,
        InstanceHealthPublisher,
        { provide: UpstreamMetrics, useFactory: () => new UpstreamMetrics(metricsRegistry) },
      ],
      exports: [PolicyRegistry, UpstreamMetrics, InstanceHealthPublisher],
    };
  }
}
