import { DomainError, isTemporaryError } from '@aia/platform';

/** Thrown by a handler when retrying cannot help: the job goes straight to the dead letters. */
export class PermanentJobError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface JobErrorClass {
  permanent: boolean;
  /** Neither a DomainError nor a PermanentJobError: most likely a bug, worth an alert. */
  unexpected: boolean;
}

/**
 * PermanentJobError and non-temporary DomainErrors (e.g. an UpstreamError of kind `validation`) are
 * permanent. Anything else unknown is retried: it may be a transient local fault (disk, lock), and the
 * attempt cap still bounds it.
 */
export function classifyJobError(err: unknown): JobErrorClass {
  if (err instanceof PermanentJobError) return { permanent: true, unexpected: false };
  if (err instanceof DomainError) return { permanent: !isTemporaryError(err), unexpected: false };
  return { permanent: false, unexpected: true };
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
