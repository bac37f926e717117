import type {
  OpsErrorBody,
  OpsEventDetail,
  OpsEventHistogram,
  OpsEventPage,
  OpsEventState,
  OpsEventsStats,
  OpsPaymentsReport,
  OpsPlatform,
  OpsPlatformsReport,
  OpsReconciliationReport,
} from '@aia/contracts';

/** A non-2xx answer (status = HTTP status, message = the API's own words), or none at all (status 0). */
export class OpsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OpsApiError';
  }
}

export interface EventFilter {
  state?: OpsEventState;
  platform?: OpsPlatform;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface DateRange {
  from: string;
  to: string;
}

/** What one heal request names: one invoice, one customer (Attio status), or nothing = every safe mismatch. */
export interface HealTarget {
  invoiceId?: string;
  zohoCustomerId?: string;
}

export interface OpsApi {
  stats(): Promise<OpsEventsStats>;
  histogram(hours: number): Promise<OpsEventHistogram>;
  platforms(): Promise<OpsPlatformsReport>;
  listEvents(filter: EventFilter): Promise<OpsEventPage>;
  getEvent(id: string): Promise<OpsEventDetail>;
  retryEvent(id: string): Promise<OpsEventDetail>;
  discardEvent(id: string, reason: string): Promise<OpsEventDetail>;
  reconciliation(range: DateRange): Promise<OpsReconciliationReport>;
  heal(range: DateRange, target?: HealTarget): Promise<OpsReconciliationReport>;
  payments(range?: DateRange): Promise<OpsPaymentsReport>;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The admin API with `Authorization: Bearer <token>`. The token travels only in that header, never in a URL.
 * `onUnauthorized` runs on every 401 (the page goes back to its sign-in form) before the error is thrown.
 */
export function createOpsApi(baseUrl: string, token: string, onUnauthorized?: () => void): OpsApi {
  const base = `${baseUrl.replace(/\/+$/, '')}/admin`;

  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      // Looked up at call time so tests can stub the global.
      res = await fetch(`${base}${path}`, {
        ...init,
        headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...init?.headers },
      });
    } catch {
      throw new OpsApiError(0, 'network_error', 'The API could not be reached.');
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) return body as T;
    const error = (body as Partial<OpsErrorBody> | undefined)?.error;
    if (res.status === 401) onUnauthorized?.();
    throw new OpsApiError(
      res.status,
      typeof error?.code === 'string' ? error.code : `http_${res.status}`,
      typeof error?.message === 'string' ? error.message : res.statusText || `HTTP ${res.status}`,
    );
  }

  const post = <T>(path: string, body: unknown) =>
    call<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const event = (id: string) => `/events/${encodeURIComponent(id)}`;

  return {
    stats: () => call('/stats'),
    histogram: (hours) => call(`/events/histogram${query({ hours })}`),
    platforms: () => call('/platforms'),
    listEvents: (f) =>
      call(
        `/events${query({ state: f.state, platform: f.platform, q: f.q?.trim(), limit: f.limit, offset: f.offset })}`,
      ),
    getEvent: (id) => call(event(id)),
    retryEvent: (id) => post(`${event(id)}/retry`, {}),
    discardEvent: (id, reason) => post(`${event(id)}/discard`, { reason }),
    reconciliation: (r) => call(`/reconciliation${query({ from: r.from, to: r.to })}`),
    heal: (r, target) => post('/reconciliation/heal', { from: r.from, to: r.to, ...target }),
    payments: (r) => call(`/payments${query({ from: r?.from, to: r?.to })}`),
  };
}

/** The message to show for a failed request. */
export function messageOf(err: unknown): string {
  if (err instanceof OpsApiError) {
    return err.status === 0 ? err.message : `${err.message} (HTTP ${err.status})`;
  }
  return err instanceof Error ? err.message : String(err);
}
