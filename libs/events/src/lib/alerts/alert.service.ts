import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, PolicyRegistry } from '@aia/platform';
import type { AppConfig, Platform } from '@aia/platform';

export interface AlertTuning {
  /** The same alert (same dedupe key) is sent at most once per window; repeats are counted. */
  dedupeWindowMs: number;
  /** At most this many alerts leave per rateWindowMs, whatever their keys. */
  maxPerWindow: number;
  rateWindowMs: number;
  timeoutMs: number;
}

export const DEFAULT_ALERT_TUNING: AlertTuning = {
  dedupeWindowMs: 15 * 60_000,
  maxPerWindow: 5,
  rateWindowMs: 60_000,
  timeoutMs: 5_000,
};

export const ALERT_TUNING = Symbol('ALERT_TUNING');

interface KeyState {
  sentAt: number;
  suppressed: number;
}

/**
 * Posts Slack-compatible `{"text": …}` messages to AppConfig.alertWebhookUrl. An outage produces many
 * identical failures; each dedupe key speaks once per window (later messages carry the count of what was
 * held back) and a global cap bounds the rest, so an outage makes a handful of alerts, not thousands.
 */
@Injectable()
export class AlertService {
  private readonly logger = new Logger('Alerts');
  private readonly keys = new Map<string, KeyState>();
  private sentTimes: number[] = [];
  private droppedByCap = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly tuning: AlertTuning;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ALERT_TUNING) tuning: Partial<AlertTuning> = {},
    @Optional() policies?: PolicyRegistry,
  ) {
    this.tuning = { ...DEFAULT_ALERT_TUNING, ...tuning };
    // Every platform's breaker, whichever module registered it, alerts through here.
    policies?.onBreakerOpen((platform) => this.breakerOpened(platform));
  }

  deadLetter(info: {
    jobId: string;
    name: string;
    platform?: string;
    type?: string;
    eventId?: string;
    error: string;
  }): void {
    const what = info.platform
      ? `${info.platform} ${info.type} event ${info.eventId}`
      : `job ${info.name} ${info.jobId}`;
    this.send(
      `dead:${info.platform ?? info.name}:${info.type ?? ''}`,
      `:rotating_light: Dead letter: ${what} gave up (${info.error}). Retry or discard it at /admin/events.`,
    );
  }

  /** Called when a platform's circuit breaker opens (subscribed through PolicyRegistry). */
  breakerOpened(platform: Platform): void {
    this.send(
      `breaker:${platform}`,
      `:warning: Circuit breaker opened for ${platform}: calls are failing fast.`,
    );
  }

  workerError(error: unknown, context: string): void {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.send(
      `unexpected:${context}:${message.slice(0, 80)}`,
      `:boom: Unexpected error in ${context}: ${message}`,
    );
  }

  /**
   * Something in the business an operator must look at (an invoice charged twice, a lost dispute, a
   * subscription given up on). Logged as a warning, and posted like every alert (de-duplicated by key).
   */
  notify(key: string, text: string): void {
    this.logger.warn(text);
    this.send(`notify:${key}`, text);
  }

  /** Waits for alerts being posted (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private send(key: string, text: string): void {
    const url = this.config.alertWebhookUrl;
    if (!url) return;
    const now = Date.now();
    const state = this.keys.get(key);
    if (state && now - state.sentAt < this.tuning.dedupeWindowMs) {
      state.suppressed++;
      return;
    }
    this.sentTimes = this.sentTimes.filter((t) => now - t < this.tuning.rateWindowMs);
    if (this.sentTimes.length >= this.tuning.maxPerWindow) {
      this.droppedByCap++;
      return;
    }
    const notes: string[] = [];
    if (state?.suppressed) notes.push(`${state.suppressed} similar alert(s) held back since the last one`);
    if (this.droppedByCap) notes.push(`${this.droppedByCap} other alert(s) dropped by the rate limit`);
    this.droppedByCap = 0;
    this.keys.set(key, { sentAt: now, suppressed: 0 });
    this.sentTimes.push(now);
    const body = JSON.stringify({ text: notes.length ? `${text} (${notes.join('; ')})` : text });
    const post = this.post(url, body).finally(() => this.inFlight.delete(post));
    this.inFlight.add(post);
  }

  private async post(url: string, body: string): Promise<void> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.tuning.timeoutMs),
      });
      if (!res.ok) this.logger.warn(`alert webhook answered ${res.status}`);
    } catch (err) {
      // Never let alerting break processing; the log line keeps the alert visible.
      this.logger.warn(
        `alert webhook failed: ${err instanceof Error ? err.message : String(err)}; alert was ${body}`,
      );
    }
  }
}
