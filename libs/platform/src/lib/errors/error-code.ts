import { HttpStatus } from '@nestjs/common';

/** Every error a client of this API can see; the filter maps each code to one HTTP status. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  InvalidSignature = 'invalid_signature',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  UpstreamRejected = 'upstream_rejected',
  UpstreamUnavailable = 'upstream_unavailable',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal_error',
  // Checkout (values are CheckoutErrorCode in @aia/contracts, which the SPA reads).
  CheckoutSessionNotFound = 'checkout_session_not_found',
  CheckoutSessionExpired = 'checkout_session_expired',
  CheckoutSessionCompleted = 'checkout_session_completed',
  CheckoutInProgress = 'checkout_in_progress',
  CardDeclined = 'card_declined',
  PaymentMethodInvalid = 'payment_method_invalid',
}

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [ErrorCode.BadRequest]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidSignature]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ErrorCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.UpstreamRejected]: HttpStatus.BAD_GATEWAY,
  [ErrorCode.UpstreamUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.ServiceUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
  [ErrorCode.CheckoutSessionNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.CheckoutSessionExpired]: HttpStatus.GONE,
  [ErrorCode.CheckoutSessionCompleted]: HttpStatus.CONFLICT,
  [ErrorCode.CheckoutInProgress]: HttpStatus.CONFLICT,
  [ErrorCode.CardDeclined]: HttpStatus.PAYMENT_REQUIRED,
  [ErrorCode.PaymentMethodInvalid]: HttpStatus.UNPROCESSABLE_ENTITY,
};
