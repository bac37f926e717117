import { type DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { PolicyRegistry } from '../resilience/policy-registry';
import { metricsRegistry, UpstreamMetrics } from './metrics';
import { MetricsController } from './metrics.controller';

let defaultMetricsStarted = false;

/**
 * Global: serves GET /metrics (Prometheus text format) from the process registry and provides
 * PolicyRegistry and UpstreamMetrics to every module.
 */
@Module({})
export class MetricsModule {
  static forRoot(): DynamicModule {
    if (!defaultMetricsStarted) {
      // Process metrics (CPU, memory, event loop lag); registering them twice would throw.
      collectDefaultMetrics({ register: metricsRegistry });
      defaultMetricsStarted = true;
    }
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        PolicyRegistry,
        { provide: UpstreamMetrics, useFactory: () => new UpstreamMetrics(metricsRegistry) },
      ],
      exports: [PolicyRegistry, UpstreamMetrics],
    };
  }
}
