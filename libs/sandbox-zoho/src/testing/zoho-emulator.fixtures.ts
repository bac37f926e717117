import { createZohoEmulator, ZohoEmulator, ZohoEmulatorOptions } from '../lib/zoho-emulator';
import { ZohoOpenApiValidator } from '../lib/zoho-openapi.validator';

export const ORG = '10000001';
let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface EmulatorHarness {
  emulator: ZohoEmulator;
  /** Replaced by `renewToken()`: tokens expire against the sandbox clock, so advancing it days expires them. */
  token: string;
  renewToken(): void;
  /** Calls the Billing API in-process with a valid token and org header unless overridden. */
  api(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options?: {
      body?: unknown;
      token?: string | null;
      org?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<ApiAnswer>;
}

export function startHarness(options: ZohoEmulatorOptions = {}): EmulatorHarness {
  const emulator = createZohoEmulator({ requestsPerMinute: 100_000, ...options });
  emulator.seed();
  const harness: EmulatorHarness = {
    emulator,
    token: emulator.issueAccessToken(),
    renewToken() {
      harness.token = emulator.issueAccessToken();
    },
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const tok = opts.token === undefined ? harness.token : opts.token;
      if (tok) headers['authorization'] = `Zoho-oauthtoken ${tok}`;
      const org = opts.org === undefined ? ORG : opts.org;
      if (org) headers['x-com-zoho-subscriptions-organizationid'] = org;
      const res = await emulator.server.app.inject({
        method,
        url: `/billing/v1${path}`,
        headers,
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
      return { status: res.statusCode, body: res.json() as Record<string, unknown>, headers: res.headers };
    },
  };
  return harness;
}

let validator: ZohoOpenApiValidator | undefined;
export function specValidator(): ZohoOpenApiValidator {
  return (validator ??= new ZohoOpenApiValidator());
}

/** Asserts the answer matches the spec schema for the operation (or Zoho's error envelope for 4xx/5xx). */
export function expectSpecValid(method: string, path: string, answer: ApiAnswer): void {
  const result = specValidator().validateResponse(method, path, answer.status, answer.body);
  if (!result.valid) {
    throw new Error(
      `${method} ${path} → ${answer.status} does not match ${result.schema}:\n${result.errors.join('\n')}`,
    );
  }
}

export const customerInput = (overrides: Record<string, unknown> = {}) => {
  const id = unique();
  return {
    display_name: `Acme ${id}`,
    email: `billing+${id}@acme.test`,
    company_name: 'Acme Inc',
    custom_fields: [{ label: 'attio_record_id', value: `rec_${id}` }],
    ...overrides,
  };
};

export const subscriptionInput = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  customer_id: customerId,
  plan: { plan_code: 'basic-monthly' },
  auto_collect: false,
  reference_id: `attio-${unique()}`,
  custom_fields: [{ label: 'source', value: 'checkout' }],
  ...overrides,
});
