import { randomUUID } from 'node:crypto';

export interface DeliveryAttempt {
  at: string;
  statusCode?: number;
  error?: string;
  /** A 2xx the dispatcher treated as lost (`duplicates`): the delivery was sent again after it. */
  lost?: true;
}

export interface WebhookDelivery {
  id: string;
  /** Emulator-specific event name, e.g. `record.updated` or `invoice_created`. */
  event: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  createdAt: string;
}

export interface WebhookDispatcherOptions {
  /** Attempts before a delivery is marked failed (Attio documents 10). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. Small in tests, seconds in a demo. */
  baseDelayMs?: number;
  timeoutMs?: number;
  /** Keep at most this many deliveries in the log. */
  historyLimit?: number;
  /**
   * Extra copies of every delivery (default 0), as a platform sends when the 2xx it was answered never
   * reached it (its own timeout, a dropped connection): a delivery is re-sent after each of its first
   * `duplicates` 2xx answers, with the same bytes and headers (same idempotency key) and the usual backoff
   * delay, so the target receives it `1 + duplicates` times. Failures in between are retried as usual; a 2xx
   * treated as lost does not use up `maxAttempts`. Changed in-process with `setDuplicates(n)`.
   */
  duplicates?: number;
}

/** What the dispatcher has sent since it was created (a reset does not clear it). */
export interface WebhookDispatcherStats {
  /** Deliveries accepted by `send()`. */
  deliveries: number;
  /** Requests made, first sends, retries and copies. */
  attempts: number;
  /** 2xx answers treated as lost (`duplicates`), each followed by another send of the same delivery. */
  duplicates: number;
}

/**
 * Posts signed webhooks to a target, retrying failures with exponential backoff, and keeps a log that the
 * control API exposes (`GET /__sandbox/webhooks/deliveries`). Bodies are signed by the caller once, so a
 * retry sends the same bytes and the same idempotency headers, as the real platforms do.
 */
export class WebhookDispatcher {
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  readonly options: Required<WebhookDispatcherOptions>;
  private closed = false;
  private readonly cancelled = new WeakSet<WebhookDelivery>();
  private readonly counters: WebhookDispatcherStats = { deliveries: 0, attempts: 0, duplicates: 0 };

  constructor(options: WebhookDispatcherOptions = {}) {
    this.options = {
      maxAttempts: options.maxAttempts ?? 10,
      baseDelayMs: options.baseDelayMs ?? 1000,
      timeoutMs: options.timeoutMs ?? 10_000,
      historyLimit: options.historyLimit ?? 1000,
      duplicates: checkDuplicates(options.duplicates ?? 0),
    };
  }

  /** Extra copies of each delivery from now on (deliveries in flight included); 0 turns them off. */
  setDuplicates(n: number): void {
    this.options.duplicates = checkDuplicates(n);
  }

  get stats(): WebhookDispatcherStats {
    return { ...this.counters };
  }

  send(input: {
    event: string;
    url: string;
    headers: Record<string, string>;
    body: string;
  }): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      ...input,
      status: 'pending',
      attempts: [],
      createdAt: new Date().toISOString(),
    };
    this.counters.deliveries += 1;
    this.deliveries.push(delivery);
    if (this.deliveries.length > this.options.historyLimit) this.deliveries.shift();
    this.track(this.attempt(delivery));
    return delivery;
  }

  list(filter: { status?: WebhookDelivery['status']; event?: string } = {}): WebhookDelivery[] {
    return this.deliveries.filter(
      (d) => (!filter.status || d.status === filter.status) && (!filter.event || d.event === filter.event),
    );
  }

  /** Resolves once every delivery has either succeeded or run out of attempts (tests use this). */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // After close() no retry will run, so pending deliveries can no longer settle: stop waiting.
    while (!this.closed && this.deliveries.some((d) => d.status === 'pending')) {
      if (Date.now() > deadline) throw new Error('webhook deliveries still pending');
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all([...this.inFlight]);
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // An attempt in flight during a reset must not schedule retries for a delivery that no longer exists.
    for (const d of this.deliveries) this.cancelled.add(d);
    this.deliveries.length = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    if (this.closed || this.cancelled.has(delivery)) return;
    const attempt: DeliveryAttempt = { at: new Date().toISOString() };
    this.counters.attempts += 1;
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      attempt.statusCode = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      attempt.error = err instanceof Error ? err.message : String(err);
    }
    delivery.attempts.push(attempt);
    const ok = attempt.statusCode !== undefined && attempt.statusCode >= 200 && attempt.statusCode < 300;
    const lost = delivery.attempts.filter((a) => a.lost).length;
    if (ok && (lost >= this.options.duplicates || this.closed)) {
      delivery.status = 'delivered';
      return;
    }
    if (this.cancelled.has(delivery)) return;
    if (ok) {
      // Treated as an answer that never reached the platform: it sends the same delivery again.
      attempt.lost = true;
      this.counters.duplicates += 1;
    } else if (delivery.attempts.length - lost >= this.options.maxAttempts || this.closed) {
      delivery.status = 'failed';
      return;
    }
    const delay = this.options.baseDelayMs * 2 ** (delivery.attempts.length - 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(delivery));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}

function checkDuplicates(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`duplicates must be an integer >= 0, got ${n}`);
  return n;
}
