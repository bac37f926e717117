import { loadAppConfig, PolicyRegistry, UpstreamError, UpstreamPolicy } from '@aia/platform';
import { startAlertSink } from '../testing/events-test-app';
import { AlertService } from './alert.service';

const service = (url: string | undefined, tuning = {}) =>
  new AlertService(loadAppConfig(url ? { ALERT_WEBHOOK_URL: url } : {}), { timeoutMs: 1_000, ...tuning });

describe('AlertService', () => {
  it('alerts when any registered platform breaker opens', async () => {
    const sink = await startAlertSink();
    const registry = new PolicyRegistry();
    const alerts = new AlertService(
      loadAppConfig({ ALERT_WEBHOOK_URL: sink.url }),
      { timeoutMs: 1_000 },
      registry,
    );
    const policy = new UpstreamPolicy(
      {
        platform: 'attio',
        timeoutMs: 1_000,
        maxAttempts: 1,
        baseDelayMs: 1,
        maxDelayMs: 1,
        maxRetryAfterMs: 1,
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
        rateLimits: {
          read: { limit: Infinity, windowMs: 1_000 },
          write: { limit: Infinity, windowMs: 1_000 },
        },
      },
      { logger: { info: () => undefined, warn: () => undefined } },
    );
    registry.register(policy);
    const down = () => Promise.reject(new UpstreamError('attio', 'unavailable', 'HTTP 503', { status: 503 }));
    for (let i = 0; i < 3; i++) await policy.read('records.get', down).catch(() => undefined);
    await alerts.flush();
    expect(sink.messages).toEqual([{ text: expect.stringMatching(/Circuit breaker opened for attio/) }]);
    await sink.close();
  });

  it('posts a Slack-compatible message for an opened breaker', async () => {
    const sink = await startAlertSink();
    const alerts = service(sink.url);
    alerts.breakerOpened('zoho');
    await alerts.flush();
    expect(sink.messages).toEqual([{ text: expect.stringMatching(/Circuit breaker opened for zoho/) }]);
    await sink.close();
  });

  it('turns an outage into a handful of alerts and reports what it held back', async () => {
    const sink = await startAlertSink();
    const alerts = service(sink.url, { dedupeWindowMs: 200, maxPerWindow: 3, rateWindowMs: 60_000 });
    for (let i = 0; i < 1_000; i++) {
      alerts.deadLetter({
        jobId: `j${i}`,
        name: 'event.process',
        platform: 'zoho',
        type: 'invoice_created',
        eventId: `e${i}`,
        error: 'HTTP 503',
      });
      alerts.workerError(new TypeError('x is undefined'), 'job event.process');
      alerts.breakerOpened('attio');
      alerts.breakerOpened('braintree'); // a 4th distinct key: over the cap of 3
    }
    await alerts.flush();
    expect(sink.messages).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 220));
    alerts.deadLetter({
      jobId: 'late',
      name: 'event.process',
      platform: 'zoho',
      type: 'invoice_created',
      eventId: 'late',
      error: 'HTTP 503',
    });
    await alerts.flush();
    // Still capped (3 per minute): nothing more goes out; the limit holds under a long outage too.
    expect(sink.messages).toHaveLength(3);
    await sink.close();
  });

  it('mentions the repeats held back when the same alert speaks again', async () => {
    const sink = await startAlertSink();
    const alerts = service(sink.url, { dedupeWindowMs: 100, maxPerWindow: 10 });
    for (let i = 0; i < 50; i++) alerts.breakerOpened('zoho');
    await new Promise((r) => setTimeout(r, 120));
    alerts.breakerOpened('zoho');
    await alerts.flush();
    expect(sink.messages).toHaveLength(2);
    expect(sink.messages[1].text).toMatch(/49 similar alert\(s\) held back/);
    await sink.close();
  });

  it('sends nothing without ALERT_WEBHOOK_URL and never throws when the hook is down', async () => {
    const quiet = service(undefined);
    quiet.breakerOpened('zoho');
    await quiet.flush();
    const down = service('http://127.0.0.1:9/hook');
    expect(() => down.breakerOpened('zoho')).not.toThrow();
    await expect(down.flush()).resolves.toBeUndefined();
  });
});
