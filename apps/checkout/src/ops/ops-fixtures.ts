import type {
  OpsEventDetail,
  OpsEventHistogram,
  OpsEventsStats,
  OpsEventSummary,
  OpsPaymentsReport,
  OpsPlatformHealth,
  OpsPlatformsReport,
  OpsReconciliationItem,
  OpsReconciliationReport,
} from '@aia/contracts';
import { API } from '../testing/checkout-fixtures';

export { apiError, json, stubFetch } from '../testing/checkout-fixtures';

export const ADMIN = `${API}/admin`;
export const ADMIN_TOKEN = 'sandbox-admin-token';

let ids = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

export function eventSummary(overrides: Partial<OpsEventSummary> = {}): OpsEventSummary {
  const id = overrides.id ?? uuid();
  return {
    id,
    platform: 'zoho',
    eventId: `evt-${id.slice(-4)}`,
    type: 'invoice_created',
    state: 'done',
    receivedAt: '2026-12-01T10:00:00.000Z',
    storedAt: '2026-12-01T10:00:00.010Z',
    updatedAt: '2026-12-01T10:00:01.000Z',
    attempts: 1,
    jobId: `job-${id}`,
    key: 'invoice:INV-1',
    ...overrides,
  };
}

export function eventDetail(overrides: Partial<OpsEventDetail> = {}): OpsEventDetail {
  return {
    ...eventSummary(overrides),
    payload: { event_type: 'invoice_created', data: { invoice: { invoice_id: 'inv-1' } } },
    headers: { 'content-type': 'application/json' },
    attemptLog: [],
    ...overrides,
  };
}

export function stats(overrides: Partial<OpsEventsStats['events']> = {}): OpsEventsStats {
  return {
    events: {
      byState: { pending: 2, processing: 0, retrying: 1, done: 40, ignored: 3, dead: 2, discarded: 1 },
      oldestPendingAgeSeconds: 90,
      deadLetters: 2,
      total: 49,
      ...overrides,
    },
    jobs: {},
    backend: 'sqlite',
  };
}

export function histogram(): OpsEventHistogram {
  const start = Date.parse('2026-12-01T00:00:00.000Z');
  return {
    hours: Array.from({ length: 24 }, (_, i) => ({
      hour: new Date(start + i * 3_600_000).toISOString(),
      counts: {
        pending: 0,
        processing: 0,
        retrying: 0,
        done: i === 10 ? 7 : i % 3,
        ignored: 0,
        dead: i === 10 ? 1 : 0,
        discarded: 0,
      },
    })),
  };
}

function platformHealth(): OpsPlatformHealth[] {
  return [
    {
      platform: 'attio',
      breaker: 'closed',
      recentErrors: [],
      rateLimits: [
        { kind: 'read', limit: 100, windowMs: 1000, used: 3, headroom: 97 },
        { kind: 'write', limit: 25, windowMs: 1000, used: 1, headroom: 24 },
      ],
    },
    {
      platform: 'zoho',
      breaker: 'open',
      recentErrors: [
        { at: '2026-12-01T09:59:00.000Z', operation: 'invoices.get', outcome: 'unavailable', status: 503 },
      ],
      rateLimits: [{ kind: 'shared', limit: 100, windowMs: 60_000, used: 40, headroom: 60 }],
    },
    { platform: 'braintree', breaker: 'closed', recentErrors: [], rateLimits: [] },
  ];
}

/** One process (APP_ROLE all, no Redis): `instances` is the answering one alone. */
export function platforms(): OpsPlatformsReport {
  const instance = { role: 'all', pid: 4242, startedAt: '2026-12-01T08:00:00.000Z' };
  return {
    instance,
    platforms: platformHealth(),
    instances: [
      {
        ...instance,
        hostname: 'api-1',
        publishedAt: '2026-12-01T10:00:00.000Z',
        platforms: platformHealth(),
      },
    ],
  };
}

/** One web (answering, all breakers closed) and two workers: one sees Zoho's breaker open. */
export function platformsOfSeveral(): OpsPlatformsReport {
  const allClosed = platformHealth().map((p) => ({ ...p, breaker: 'closed' as const, recentErrors: [] }));
  const instance = { role: 'web', pid: 7, startedAt: '2026-12-01T08:00:00.000Z' };
  const at = { startedAt: '2026-12-01T08:00:01.000Z', publishedAt: '2026-12-01T10:00:00.000Z' };
  return {
    instance,
    platforms: allClosed,
    instances: [
      { ...instance, hostname: 'web-a', publishedAt: '2026-12-01T10:00:05.000Z', platforms: allClosed },
      { role: 'worker', pid: 1, hostname: 'worker-a', ...at, platforms: platformHealth() },
      { role: 'worker', pid: 1, hostname: 'worker-b', ...at, platforms: allClosed },
    ],
  };
}

export function mismatch(overrides: Partial<OpsReconciliationItem> = {}): OpsReconciliationItem {
  return {
    class: 'charged_not_recorded',
    invoiceId: 'inv-100',
    invoiceNumber: 'INV-000100',
    zohoCustomerId: 'cust-1',
    detail: 'Braintree tx1 took 75.00 USD; Zoho has no payment with that reference',
    transactionIds: ['tx1'],
    healable: true,
    ...overrides,
  };
}

export function reconReport(
  items: OpsReconciliationItem[],
  range = { from: '2026-11-01', to: '2026-11-30' },
): OpsReconciliationReport {
  const counts = {
    ok: 5,
    charged_not_recorded: 0,
    recorded_without_charge: 0,
    charged_twice: 0,
    unpaid_past_due: 0,
    attio_stale: 0,
  };
  for (const i of items) counts[i.class]++;
  return {
    ...range,
    generatedAt: '2026-12-01T10:00:00.000Z',
    healed: items.some((i) => i.healed),
    invoices: 5 + items.length,
    counts,
    items,
    unhealed: items.filter((i) => !i.healed).length,
  };
}

export function paymentsReport(range = { from: '2026-11-18', to: '2026-12-01' }): OpsPaymentsReport {
  return {
    ...range,
    payments: [
      {
        transactionId: 'tx-ok-1',
        invoiceId: 'inv-1',
        amount: '99.00',
        currency: 'USD',
        status: 'submitted_for_settlement',
        createdAt: '2026-12-01T09:00:00.000Z',
        braintreeCustomerId: 'bt-1',
      },
    ],
    failed: [
      {
        transactionId: 'tx-bad-1',
        invoiceId: 'inv-2',
        amount: '2001.00',
        currency: 'USD',
        status: 'processor_declined',
        createdAt: '2026-11-30T09:00:00.000Z',
        braintreeCustomerId: 'bt-2',
        processorResponse: { code: '2001', text: 'Insufficient Funds' },
      },
    ],
    perDay: [
      { date: '2026-11-30', succeeded: 0, failed: 1, amounts: {} },
      { date: '2026-12-01', succeeded: 1, failed: 0, amounts: { USD: '99.00' } },
    ],
  };
}
