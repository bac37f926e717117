import { HttpService } from '@nestjs/axios';
import { Test, TestingModule } from '@nestjs/testing';
import { AppConfigModule, loadAppConfig } from '@aia/platform';
import { createZohoEmulator } from '@aia/sandbox-zoho';
import type { AxiosRequestConfig } from 'axios';
import { of } from 'rxjs';
import { ZohoPlansService } from './zoho-plans.service';
import { ZohoModule } from './zoho.module';
import { zohoOptionsFromConfig } from './zoho.options';

describe('ZohoModule default transport: @nestjs/axios HttpService', () => {
  it('sends the token refresh and Billing calls through HttpService (overridable like any Nest provider)', async () => {
    const config = loadAppConfig({
      ZOHO_ACCOUNTS_URL: 'http://accounts.zoho.test',
      ZOHO_API_URL: 'http://zoho.test/billing/v1',
    });
    const seen: AxiosRequestConfig[] = [];
    const answers = [
      { access_token: 'tok', expires_in: 3600 },
      { code: 0, message: 'success', plan: { plan_code: 'basic-monthly' } },
    ];
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), ZohoModule.forRootAsync()],
    })
      .overrideProvider(HttpService)
      .useValue({
        request: (req: AxiosRequestConfig) => {
          seen.push(req);
          return of({ status: 200, headers: {}, data: JSON.stringify(answers[seen.length - 1]) });
        },
      })
      .compile();
    try {
      await expect(moduleRef.get(ZohoPlansService).get('basic-monthly')).resolves.toMatchObject({
        plan_code: 'basic-monthly',
      });
      expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST http://accounts.zoho.test/oauth/v2/token',
        'GET http://zoho.test/billing/v1/plans/basic-monthly',
      ]);
      expect(seen[0].data).toContain('grant_type=refresh_token');
      expect(seen[1].validateStatus?.(429)).toBe(true); // an error status comes back as a response
    } finally {
      await moduleRef.close();
    }
  });

  it('against the emulator: a 429 waits its Retry-After seconds, a missing plan is not_found', async () => {
    const emulator = createZohoEmulator({ requestsPerMinute: 100_000 });
    emulator.seed();
    const running = await emulator.listen(0);
    let moduleRef: TestingModule | undefined;
    try {
      const config = loadAppConfig({
        ZOHO_ACCOUNTS_URL: running.url,
        ZOHO_API_URL: `${running.url}/billing/v1`,
        ZOHO_REQUESTS_PER_MINUTE: '100000',
      });
      moduleRef = await Test.createTestingModule({
        imports: [
          ZohoModule.forRootAsync({
            useFactory: () => ({
              ...zohoOptionsFromConfig(config),
              policy: { baseDelayMs: 5, maxDelayMs: 20 },
            }),
          }),
        ],
      }).compile();
      const plans = moduleRef.get(ZohoPlansService);
      await emulator.server.app.inject({
        method: 'PUT',
        url: '/__sandbox/faults',
        payload: { rateLimitRate: 1, maxFaults: 1, pathIncludes: '/billing/v1/plans' },
      });
      const started = Date.now();
      await expect(plans.get('pro-yearly')).resolves.toMatchObject({ plan_code: 'pro-yearly' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      await expect(plans.get('no-such-plan')).rejects.toMatchObject({ kind: 'not_found' });
    } finally {
      await moduleRef?.close();
      await running.close();
    }
  });
});
