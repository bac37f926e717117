import type { CheckoutSessionView, CheckoutSummary } from '@aia/contracts';
import { vi } from 'vitest';

export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJjc18xIn0.c2lnbmF0dXJl';
export const API = 'http://localhost:3000';
export const SESSION_URL = `${API}/checkout/sessions/${TOKEN}`;

export function sessionView(overrides: Partial<CheckoutSessionView> = {}): CheckoutSessionView {
  return {
    mode: 'subscribe',
    state: 'open',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    plan: {
      code: 'pro-monthly',
      name: 'Pro',
      price: 49,
      currency: 'USD',
      interval: 1,
      intervalUnit: 'months',
    },
    cardFields: 'sandbox',
    sandbox: { tokenizeUrl: 'http://sandbox.test/__sandbox/tokenize' },
    threeDSecure: { required: false },
    expiresAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function summary(overrides: Partial<CheckoutSummary> = {}): CheckoutSummary {
  return {
    mode: 'subscribe',
    customerName: 'Ada Lovelace',
    planName: 'Pro',
    price: 49,
    currency: 'USD',
    card: { type: 'Visa', last4: '1111' },
    subscriptionStatus: 'active',
    completedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export const apiError = (status: number, code: string, message = code, details?: unknown) =>
  json(status, { error: { code, message, details } });

type Route = (init: RequestInit | undefined, url: string) => Response | Promise<Response>;

/**
 * Stubs the global fetch with answers keyed by `METHOD url`; a list answers in turn (the last repeats).
 * Unknown requests fail the test loudly.
 */
export function stubFetch(routes: Record<string, Route | Route[]>) {
  const seen = new Map<string, number>();
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const key = `${init?.method ?? 'GET'} ${url}`;
    const route = routes[key];
    if (!route) throw new Error(`unexpected request ${key}`);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const answer = Array.isArray(route) ? route[Math.min(n, route.length - 1)] : route;
    return answer(init, url);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** A promise to settle from the test, to look at the page while a request is in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
