import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AppConfigModule, HealthModule, LoggingModule, MetricsModule } from '@aia/platform';

/** Composition root: wires the platform, integration and pipeline modules together. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [AppConfigModule.forRoot(config), LoggingModule.forRootAsync(), HealthModule, MetricsModule.forRoot()],
    };
  }
}
