/** What went wrong, in the domain's words; the exception filter maps each code to HTTP in one table. */
export type DomainErrorCode =
  'bad_request' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static rateLimited(message: string, retryAfterMs: number): DomainError {
    return new DomainError('rate_limited', message, retryAfterMs);
  }

  static unavailable(message: string, retryAfterMs: number): DomainError {
    return new DomainError('unavailable', message, retryAfterMs);
  }

  static badRequest(message: string): DomainError {
    return new DomainError('bad_request', message);
  }

  static forbidden(message: string): DomainError {
    return new DomainError('forbidden', message);
  }

  static notFound(message: string): DomainError {
    return new DomainError('not_found', message);
  }

  static conflict(message: string): DomainError {
    return new DomainError('conflict', message);
  }
}
