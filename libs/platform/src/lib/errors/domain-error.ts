import { ErrorCode } from './error-code';

/** An error this service means to show a caller: a code from ErrorCode, a message, optional details. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
