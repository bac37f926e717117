import type {
  CheckoutCompletion,
  CheckoutErrorBody,
  CheckoutSessionView,
  ClientTokenResponse,
  CompleteCheckoutRequest,
} from '@aia/contracts';

/** An answer other than 2xx (status = HTTP status), or no answer at all (status 0, code `network_error`). */
export class CheckoutApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CheckoutApiError';
  }
}

export interface CheckoutApi {
  getSession(token: string): Promise<CheckoutSessionView>;
  createClientToken(token: string): Promise<string>;
  complete(token: string, request: CompleteCheckoutRequest): Promise<CheckoutCompletion>;
}

export function createCheckoutApi(baseUrl: string): CheckoutApi {
  const base = baseUrl.replace(/\/+$/, '');
  const sessionUrl = (token: string) => `${base}/checkout/sessions/${encodeURIComponent(token)}`;

  async function call<T>(url: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      // Looked up at call time so tests can stub the global.
      res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
    } catch {
      throw new CheckoutApiError(0, 'network_error', 'The checkout service could not be reached.');
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) return body as T;
    const error = (body as Partial<CheckoutErrorBody> | undefined)?.error;
    throw new CheckoutApiError(
      res.status,
      typeof error?.code === 'string' ? error.code : `http_${res.status}`,
      typeof error?.message === 'string' ? error.message : res.statusText,
      error?.details,
    );
  }

  const post = (body?: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });

  return {
    getSession: (token) => call<CheckoutSessionView>(sessionUrl(token)),
    createClientToken: async (token) =>
      (await call<ClientTokenResponse>(`${sessionUrl(token)}/client-token`, post())).clientToken,
    complete: (token, request) => call<CheckoutCompletion>(`${sessionUrl(token)}/complete`, post(request)),
  };
}
