import type { FastifyReply } from 'fastify';

/**
 * Attio's error body `{status_code, type, code, message}` (attio-ts-sdk types.gen.ts `*Errors` types;
 * https://docs.attio.com/rest-api/guides/rate-limiting for the 429 one).
 */
export interface AttioErrorBody {
  status_code: number;
  type: string;
  code: string;
  message: string;
}

export class AttioApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AttioApiError';
  }

  get body(): AttioErrorBody {
    return { status_code: this.statusCode, type: this.type, code: this.code, message: this.message };
  }
}

export const notFound = (message: string) =>
  new AttioApiError(404, 'invalid_request_error', 'not_found', message);
export const validationType = (message: string) =>
  new AttioApiError(400, 'invalid_request_error', 'validation_type', message);
export const valueNotFound = (message: string) =>
  new AttioApiError(400, 'invalid_request_error', 'value_not_found', message);
export const missingValue = (message: string) =>
  new AttioApiError(400, 'invalid_request_error', 'missing_value', message);
export const filterError = (message: string) =>
  new AttioApiError(400, 'invalid_request_error', 'filter_error', message);
export const slugConflict = (message: string) =>
  new AttioApiError(409, 'invalid_request_error', 'slug_conflict', message);
/** UNCONFIRMED code: Attio's body for a duplicate unique value is not in its OpenAPI file. */
export const uniquenessConflict = (message: string) =>
  new AttioApiError(400, 'invalid_request_error', 'uniqueness_conflict', message);
/** Seen in a real answer: https://github.com/withoneai/knowledge/issues/27 */
export const matchingAttributeNotUnique = () =>
  new AttioApiError(
    400,
    'invalid_request_error',
    'matching_attribute_definition_not_unique',
    'The matching attribute specified is not a unique attribute.',
  );
/** `type: auth_error` is Attio's (OpenAPI 403 billing_error); the 401 `code` itself is UNCONFIRMED. */
export const unauthorized = () =>
  new AttioApiError(
    401,
    'auth_error',
    'unauthorized',
    'Authentication failed: invalid or missing API token.',
  );

export function sendAttioError(reply: FastifyReply, error: AttioApiError): FastifyReply {
  return reply.code(error.statusCode).header('content-type', 'application/json').send(error.body);
}

/** `Retry-After` as an HTTP date at the next whole second, as Attio documents. */
export function retryAfterHeader(nowMs: number, resetAtMs?: number): string {
  const at = resetAtMs ?? Math.floor(nowMs / 1000) * 1000 + 1000;
  return new Date(at).toUTCString();
}

export function sendRateLimited(reply: FastifyReply, nowMs: number, resetAtMs?: number): FastifyReply {
  // Body from https://docs.attio.com/rest-api/guides/rate-limiting (PLATFORMS.md §1).
  return reply.code(429).header('retry-after', retryAfterHeader(nowMs, resetAtMs)).send({
    status_code: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    message: 'Rate limit exceeded, please try again later',
  });
}
