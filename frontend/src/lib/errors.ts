import { ApiError } from './api-client';
import { formatWait } from './format';

/** What a failed call tells the person: the server's own words, and how long to wait if it said so. */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong';
  if (error.status === 0) return 'Cannot reach the server';
  if (error.status === 429 && error.retryAfterSeconds !== undefined) {
    return `${error.message} (try again in ${formatWait(error.retryAfterSeconds)})`;
  }
  return error.message;
}
