import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-error';
import { errorBody } from './error-body';
import { ERROR_HTTP_STATUS, ErrorCode } from './error-code';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** Maps anything thrown to `{"error":{code,message,details}}`; never leaks a stack trace. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = mapException(exception);
    if (mapped.status >= 500) this.logger.error({ err: exception }, `unhandled error: ${mapped.message}`);
    void reply.status(mapped.status).send(errorBody(mapped.code, mapped.message, mapped.details));
  }
}

export function mapException(exception: unknown): Mapped {
  if (exception instanceof DomainError) {
    return {
      status: ERROR_HTTP_STATUS[exception.code],
      code: exception.code,
      message: exception.message,
      details: exception.details,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const body =
      typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    if (body['code'] && typeof body['message'] === 'string') {
      return { status, code: String(body['code']), message: body['message'], details: body['details'] };
    }
    const message = Array.isArray(body['message'])
      ? 'Request validation failed'
      : String(body['message'] ?? exception.message);
    const code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest);
    return { status, code, message: status >= 500 ? 'Internal server error' : message };
  }
  // Fastify's own errors (body too large, bad JSON, wrong content type) carry a statusCode and FST_ code.
  const fst = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fst?.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
    const status = fst.statusCode;
    const message =
      fst.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'Request body is larger than the limit'
        : fst.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fst.message ?? '')
          ? 'Request body is not valid JSON'
          : (fst.message ?? 'Bad request');
    return { status, code: STATUS_CODES[status] ?? ErrorCode.BadRequest, message };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: ErrorCode.Internal,
    message: 'Internal server error',
  };
}
