import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { UpstreamPolicy } from '../resilience/upstream-policy';
import { PolicyRegistry } from '../resilience/policy-registry';
import { captureLogger, testPolicyConfig } from '../resilience/upstream-policy.fixtures';
import { UpstreamMetrics, webhooksReceivedTotal, webhooksRejectedTotal } from './metrics';
import { MetricsModule } from './metrics.module';

describe('MetricsModule', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MetricsModule.forRoot()] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the process registry at GET /metrics in Prometheus text format', async () => {
    webhooksReceivedTotal.inc({ platform: 'zoho' });
    webhooksRejectedTotal.inc({ platform: 'attio', reason: 'invalid_signature' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('webhooks_received_total{platform="zoho"} 1');
    expect(res.body).toContain('webhooks_rejected_total{platform="attio",reason="invalid_signature"} 1');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('provides PolicyRegistry and UpstreamMetrics; upstream calls appear in /metrics', async () => {
    const registry = app.get(PolicyRegistry);
    const policy = new UpstreamPolicy(testPolicyConfig({ platform: 'braintree' }), {
      metrics: app.get(UpstreamMetrics),
      logger: captureLogger(),
    });
    registry.register(policy);
    await policy.read('findCustomer', async () => ({ id: 'c1' }));

    expect(registry.states()).toEqual({ braintree: 'closed' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain(
      'upstream_requests_total{platform="braintree",operation="findCustomer",outcome="ok"} 1',
    );
    expect(res.body).toContain('upstream_breaker_state{platform="braintree"} 0');
  });
});
