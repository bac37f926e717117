/*
 * What the operations page (apps/checkout, /ops) reads from the admin API. Every route sits under /admin
 * and needs `Authorization: Bearer <ADMIN_TOKEN>`. Shared by the API (which returns these shapes) and the
 * SPA (which renders them); plain types only, no Node imports.
 */

export type OpsPlatform = 'attio' | 'zoho' | 'braintree';

export type OpsEventState = 'pending' | 'processing' | 'retrying' | 'done' | 'ignored' | 'dead' | 'discarded';

export const OPS_EVENT_STATES: readonly OpsEventState[] = [
  'pending',
  'processing',
  'retrying',
  'done',
  'ignored',
  'dead',
  'discarded',
];

/** GET /admin/events?state&platform&type&q&limit&offset: newest first; `q` searches ids, event id, type, key. */
export interface OpsEventSummary {
  id: string;
  platform: OpsPlatform;
  eventId: string;
  type: string;
  state: OpsEventState;
  receivedAt: string;
  storedAt: string;
  updatedAt: string;
  attempts: number;
  lastError?: string;
  discardReason?: string;
  jobId: string;
  key: string;
}

export interface OpsEventPage {
  items: OpsEventSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface OpsEventAttempt {
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  outcome: 'running' | 'succeeded' | 'failed';
  error?: { name: string; message: string; temporary: boolean };
}

/** GET /admin/events/:id; POST /admin/events/:id/retry; POST /admin/events/:id/discard {reason}. */
export interface OpsEventDetail extends OpsEventSummary {
  payload: unknown;
  headers: Record<string, string>;
  attemptLog: OpsEventAttempt[];
}

/** GET /admin/stats */
export interface OpsEventsStats {
  events: {
    byState: Record<OpsEventState, number>;
    oldestPendingAgeSeconds: number | null;
    deadLetters: number;
    total: number;
  };
  jobs: Record<string, number>;
  backend: string;
}

/** GET /admin/events/histogram?hours=24 (1–168): events received per hour, by their current state. */
export interface OpsEventHistogram {
  hours: Array<{ hour: string; counts: Record<OpsEventState, number> }>;
}

/** GET /admin/platforms: what one API instance (process) sees of each platform right now. */
export interface OpsPlatformHealth {
  platform: OpsPlatform;
  breaker: 'closed' | 'open' | 'half_open';
  /** Latest failed upstream attempts first (bounded list kept in memory by this instance). */
  recentErrors: Array<{
    at: string;
    operation: string;
    outcome: string;
    status?: number;
    code?: string;
  }>;
  /** Client-side budgets: calls started in the current window and what is left of `limit`. */
  rateLimits: Array<{
    kind: 'read' | 'write' | 'shared';
    limit: number | null;
    windowMs: number;
    used: number;
    headroom: number | null;
  }>;
}

/** One live process's platform health, as it last published it (every 10 s; gone 30 s after it stops). */
export interface OpsInstanceHealth {
  /** `web`, `worker` or `all`. */
  role: string;
  pid: number;
  hostname: string;
  startedAt: string;
  publishedAt: string;
  platforms: OpsPlatformHealth[];
}

export interface OpsPlatformsReport {
  /** Role and process of the instance answering (`web`, `worker`, `all`). */
  instance: { role: string; pid: number; startedAt: string };
  /** The answering instance's platforms. */
  platforms: OpsPlatformHealth[];
  /**
   * Every live instance (workers included), the answering one with a fresh snapshot; by role, host, pid.
   * One process alone (no Redis): just the answering one.
   */
  instances: OpsInstanceHealth[];
}

/** One Braintree sale as the ops page lists it. `invoiceId` is the sale's orderId (the Zoho invoice). */
export interface OpsPayment {
  transactionId: string;
  invoiceId?: string;
  amount: string;
  currency: string;
  status: string;
  createdAt: string;
  braintreeCustomerId?: string;
  /** The processor's answer for a failed charge (code and text). */
  processorResponse?: { code: string; text: string };
}

/** GET /admin/payments?from=YYYY-MM-DD&to=YYYY-MM-DD (default: the last 14 days). */
export interface OpsPaymentsReport {
  from: string;
  to: string;
  /** Successful sales, newest first (at most 50). */
  payments: OpsPayment[];
  /** Declined, rejected or failed sales, newest first (at most 50). */
  failed: OpsPayment[];
  /**
   * One entry per day of the range, oldest first; `amounts` sums the successful sales per currency (ISO code →
   * decimal string; merchant accounts may bill in several currencies, which are never added together).
   */
  perDay: Array<{ date: string; succeeded: number; failed: number; amounts: Record<string, string> }>;
}

export type OpsMismatchClass =
  | 'ok'
  | 'charged_not_recorded'
  | 'recorded_without_charge'
  | 'charged_twice'
  | 'unpaid_past_due'
  | 'attio_stale';

export interface OpsReconciliationItem {
  class: OpsMismatchClass;
  invoiceId?: string;
  invoiceNumber?: string;
  zohoCustomerId: string;
  recordId?: string;
  detail: string;
  transactionIds?: string[];
  healable: boolean;
  healed?: boolean;
  healError?: string;
}

/**
 * GET /admin/reconciliation?from&to; POST /admin/reconciliation/heal {from, to, invoiceId?, zohoCustomerId?}
 * heals every safe mismatch of the range, or only the one named.
 */
export interface OpsReconciliationReport {
  from: string;
  to: string;
  generatedAt: string;
  healed: boolean;
  invoices: number;
  counts: Record<OpsMismatchClass, number>;
  items: OpsReconciliationItem[];
  unhealed: number;
}

/** Error body of every non-2xx answer. */
export interface OpsErrorBody {
  error: { code: string; message: string };
}
