import { HttpService } from '@nestjs/axios';
import { Test, TestingModule } from '@nestjs/testing';
import { ATTIO_SANDBOX_TOKEN, createAttioEmulator } from '@aia/sandbox-attio';
import type { AxiosRequestConfig } from 'axios';
import { of } from 'rxjs';
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

  describe('default transport: @nestjs/axios HttpService', () => {
    const noClientLimits = {
      maxAttempts: 2,
      rateLimits: { read: { limit: Infinity, windowMs: 1_000 }, write: { limit: Infinity, windowMs: 1_000 } },
    };

    it('sends every request through HttpService (overridable like any Nest provider)', async () => {
      const seen: AxiosRequestConfig[] = [];
      const moduleRef = await Test.createTestingModule({
        imports: [
          AttioModule.forRootAsync({
            useFactory: () => ({ mode: 'sandbox' as const, attio: config.attio, policy: { maxAttempts: 1 } }),
          }),
        ],
      })
        .overrideProvider(HttpService)
        .useValue({
          request: (req: AxiosRequestConfig) => {
            seen.push(req);
            return of({ status: 200, headers: {}, data: JSON.stringify({ data: [] }) });
          },
        })
        .compile();
      expect(await moduleRef.get(AttioClient).listAttributes('companies')).toEqual([]);
      expect(seen).toEqual([
        expect.objectContaining({
          url: 'http://attio.test/v2/objects/companies/attributes',
          method: 'GET',
          headers: expect.objectContaining({ authorization: 'Bearer module-test-token' }),
          validateStatus: expect.any(Function),
        }),
      ]);
      expect(seen[0].validateStatus?.(503)).toBe(true); // an error status comes back as a response
      await moduleRef.close();
    });

    it('against the emulator: answers, a 404 as not_found, a 429 retried at its Retry-After date', async () => {
      const emulator = createAttioEmulator({ readsPerSecond: 2, writesPerSecond: 100 });
      const { url } = await emulator.listen(0);
      let moduleRef: TestingModule | undefined;
      try {
        moduleRef = await Test.createTestingModule({
          imports: [
            AttioModule.forRootAsync({
              useFactory: () => ({
                mode: 'sandbox' as const,
                attio: { ...config.attio, apiUrl: `${url}/v2`, apiToken: ATTIO_SANDBOX_TOKEN },
                policy: noClientLimits,
              }),
            }),
          ],
        }).compile();
        const client = moduleRef.get(AttioClient);
        await expect(
          client.getRecord('companies', '00000000-0000-4000-8000-000000000000'),
        ).rejects.toMatchObject({ kind: 'not_found', upstream: { status: 404 } });
        // 2 reads/s: the third in one second is answered 429 with an HTTP date; the retry waits for it.
        const results = await Promise.all([1, 2, 3].map(() => client.listAttributes('companies')));
        expect(results.every(Array.isArray)).toBe(true);
      } finally {
        await moduleRef?.close();
        await emulator.close();
      }
    });
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
