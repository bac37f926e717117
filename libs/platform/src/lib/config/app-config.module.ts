import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './app-config';
import { loadAppConfig } from './app-config.schema';

/** Provides the validated AppConfig under APP_CONFIG to every module (tests pass their own). */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config ?? loadAppConfig() }],
      exports: [APP_CONFIG],
    };
  }
}
