import type { FastifyReply } from 'fastify';

/**
 * Zoho's error envelope is `{code, message}` with a non-zero `code`
 * (https://www.zoho.com/billing/api/v1/errors/ and https://www.zohohelp.com/billing/api/v1/response).
 * Zoho Billing does not publish its table of numeric codes. The numbers below follow the Zoho Books/Invoice
 * error pages (same platform family, e.g. 1000 "Internal error", 1002 "… does not exist" from
 * https://www.zoho.com/books/api/v3/errors/); the others are UNCONFIRMED and listed in docs/sandbox/zoho.md.
 */
export const ZOHO_CODES = {
  success: 0,
  /** Malformed or missing parameter (UNCONFIRMED number). */
  invalidValue: 4,
  /** Unknown URL (UNCONFIRMED number). */
  invalidUrl: 5,
  /** Token missing, unknown or expired (UNCONFIRMED number; HTTP 401 is documented). */
  unauthorized: 57,
  /** Too many requests (UNCONFIRMED number; HTTP 429 is documented). */
  rateLimited: 44,
  internalError: 1000,
  notFound: 1002,
  /** Customer display name already taken (UNCONFIRMED number). */
  duplicate: 3062,
  /** Organization header missing or not an organization of this user (UNCONFIRMED number). */
  organization: 6041,
  /** An action not allowed in the resource's current state (UNCONFIRMED number). */
  invalidState: 2006,
} as const;

export class ZohoApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ZohoApiError';
  }
}

export const notFound = (what: string): ZohoApiError =>
  new ZohoApiError(404, ZOHO_CODES.notFound, `${what} does not exist.`);

export const invalid = (message: string): ZohoApiError =>
  new ZohoApiError(400, ZOHO_CODES.invalidValue, message);

export const invalidState = (message: string): ZohoApiError =>
  new ZohoApiError(400, ZOHO_CODES.invalidState, message);

export function sendZohoError(reply: FastifyReply, err: ZohoApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  return reply.code(err.httpStatus).send({ code: err.code, message: err.message });
}

export const RATE_LIMIT_MESSAGE =
  'You have made too many requests continuously. Please try again after some time.';
