import { AttioModule } from '@aia/attio';
import { BraintreeModule } from '@aia/braintree';
import { EventsModule } from '@aia/events';
import { AppConfig, AppConfigModule, HealthModule, LoggingModule, MetricsModule } from '@aia/platform';
import { ZohoModule } from '@aia/zoho';
import { DynamicModule, Module } from '@nestjs/common';

/** Composition root: wires the platform, integration and pipeline modules together. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRootAsync(),
        HealthModule,
        MetricsModule.forRoot(),
        AttioModule.forRootAsync(),
        ZohoModule.forRootAsync(),
        BraintreeModule.forRootAsync(),
        EventsModule.forRootAsync(),
      ],
    };
  }
}
