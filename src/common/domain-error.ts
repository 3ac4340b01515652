/** What went wrong, in the domain's words; the exception filter maps each code to HTTP in one table. */
export type DomainErrorCode = 'unauthenticated' | 'rate_limited' | 'not_found';

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
}
