import { Test } from '@nestjs/testing';
import {
  AppConfigModule,
  ATTIO_POLICY,
  HttpRequest,
  HttpResponse,
  loadAppConfig,
  MetricsModule,
  PolicyRegistry,
} from '@aia/platform';
import { AttioClient } from './attio.client';
import { ATTIO_HTTP_TRANSPORT } from './attio-http.transport';
import { ATTIO_LIMITER_JITTER_MS, AttioModule, attioPolicyConfig } from './attio.module';
import { AttioWebhookGuard } from './attio-webhook.guard';

const okResponse = (json: unknown): HttpResponse => ({
  status: 200,
  headers: new Headers(),
  text: JSON.stringify(json),
  json,
});

describe('AttioModule', () => {
  const config = loadAppConfig({
    INTEGRATION_MODE: 'sandbox',
    ATTIO_API_URL: 'http://attio.test/v2',
    ATTIO_API_TOKEN: 'module-test-token',
  });

  it('wires the client from AppConfig.attio, through a swappable transport, and registers its policy', async () => {
    const sent: HttpRequest[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), MetricsModule.forRoot(), AttioModule.forRootAsync()],
    })
      .overrideProvider(ATTIO_HTTP_TRANSPORT)
      .useValue(async (req: HttpRequest) => {
        sent.push(req);
        return okResponse({ data: [] });
      })
      .compile();

    const client = moduleRef.get(AttioClient);
    expect(await client.listAttributes('companies')).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      baseUrl: 'http://attio.test/v2',
      method: 'GET',
      path: 'objects/companies/attributes',
      headers: { authorization: 'Bearer module-test-token' },
    });
    expect(moduleRef.get(PolicyRegistry).states()).toMatchObject({ attio: 'closed' });
    expect(moduleRef.get(AttioWebhookGuard)).toBeInstanceOf(AttioWebhookGuard);
    await moduleRef.close();
  });

  it('accepts a custom options factory (e.g. policy overrides in tests)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AttioModule.forRootAsync({
          useFactory: () => ({
            mode: 'sandbox' as const,
            attio: { ...config.attio, apiToken: 'other' },
            policy: { maxAttempts: 1 },
          }),
        }),
      ],
    })
      .overrideProvider(ATTIO_HTTP_TRANSPORT)
      .useValue(async () => ({ status: 503, headers: new Headers(), text: '', json: undefined }))
      .compile();
    // Without MetricsModule the module still works (registry and metrics are optional).
    await expect(moduleRef.get(AttioClient).listWebhooks()).rejects.toMatchObject({
      kind: 'unavailable',
      upstream: { status: 503 },
    });
    await moduleRef.close();
  });

  it('keeps Attio’s documented budgets and widens only the window by the jitter margin', () => {
    const c = attioPolicyConfig();
    expect(c.platform).toBe('attio');
    expect(c.rateLimits.read).toEqual({
      limit: 100,
      windowMs: ATTIO_POLICY.rateLimits.read.windowMs + ATTIO_LIMITER_JITTER_MS,
    });
    expect(c.rateLimits.write).toEqual({
      limit: 25,
      windowMs: ATTIO_POLICY.rateLimits.write.windowMs + ATTIO_LIMITER_JITTER_MS,
    });
    expect(attioPolicyConfig({ timeoutMs: 5 }).timeoutMs).toBe(5);
  });
});
