import { Test, TestingModule } from '@nestjs/testing';
import {
  AppConfig,
  AppConfigModule,
  HttpRequest,
  loadAppConfig,
  MetricsModule,
  requestJson,
  UpstreamPolicyConfig,
} from '@aia/platform';
import { ZOHO_HTTP_TRANSPORT, ZohoHttpTransport } from '../lib/zoho-http.transport';
import { ZohoModule } from '../lib/zoho.module';
import { zohoOptionsFromConfig } from '../lib/zoho.options';

/**
 * What the stack needs from the emulator. Specs pass `createZohoEmulator` from @aia/sandbox-zoho: only spec
 * files may import sandbox libs (module-boundary rule), so this helper stays structural.
 */
export interface EmulatorLike {
  seed(): unknown;
  listen(port?: number): Promise<{ url: string; close(): Promise<void> }>;
}

export interface ZohoStack<E extends EmulatorLike> {
  emulator: E;
  running: { url: string; close(): Promise<void> };
  config: AppConfig;
  moduleRef: TestingModule;
  /** Every request the client sent, in order (method + path). */
  sent: HttpRequest[];
  close(): Promise<void>;
}

/** Test policy: the real one with short backoffs so retries take milliseconds. */
export const FAST_POLICY: Partial<UpstreamPolicyConfig> = {
  baseDelayMs: 5,
  maxDelayMs: 20,
  timeoutMs: 2_000,
};

/**
 * Starts the Zoho emulator on a random port and a Nest testing module with ZohoModule pointed at it, the way
 * the API runs in sandbox mode. `wrap` can decorate the real HTTP transport (e.g. to lose an answer).
 */
export async function startZohoStack<E extends EmulatorLike, O extends object>(
  createEmulator: (options: O & { requestsPerMinute: number }) => E,
  options: {
    emulator?: O;
    policy?: Partial<UpstreamPolicyConfig>;
    env?: Record<string, string>;
    wrap?: (inner: ZohoHttpTransport) => ZohoHttpTransport;
  } = {},
): Promise<ZohoStack<E>> {
  const emulator = createEmulator({ ...(options.emulator as O), requestsPerMinute: 100_000 });
  emulator.seed();
  const running = await emulator.listen(0);
  const config = loadAppConfig({
    INTEGRATION_MODE: 'sandbox',
    ZOHO_ACCOUNTS_URL: running.url,
    ZOHO_API_URL: `${running.url}/billing/v1`,
    ZOHO_REQUESTS_PER_MINUTE: '100000',
    ...options.env,
  });
  const sent: HttpRequest[] = [];
  const recording: ZohoHttpTransport = (req) => {
    sent.push(req);
    return requestJson(req);
  };
  const transport = options.wrap ? options.wrap(recording) : recording;
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot(config),
      MetricsModule.forRoot(),
      ZohoModule.forRootAsync({
        inject: [],
        useFactory: () => ({
          ...zohoOptionsFromConfig(config),
          policy: { ...FAST_POLICY, ...options.policy },
        }),
      }),
    ],
  })
    .overrideProvider(ZOHO_HTTP_TRANSPORT)
    .useValue(transport)
    .compile();
  return {
    emulator,
    running,
    config,
    moduleRef,
    sent,
    close: async () => {
      await moduleRef.close();
      await running.close();
    },
  };
}
