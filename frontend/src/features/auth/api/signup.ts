import { postWithoutAuth } from '../../../lib/api-client';

export interface SignUpRequest {
  username: string;
  displayName: string;
  password: string;
}

export interface SignUpResult {
  username: string;
  displayName: string;
  /** `active`: can sign in now; `pending`: once an admin approves the account. */
  status: 'active' | 'pending';
}

/** `POST /api/signup`, which needs no credentials (the account does not exist yet). */
export function signUp(request: SignUpRequest, fetchFn?: typeof fetch): Promise<SignUpResult> {
  return postWithoutAuth<SignUpResult>('/api/signup', request, fetchFn);
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
export const MIN_PASSWORD_LENGTH = 8;
/** bcrypt reads at most 72 bytes. */
export const MAX_PASSWORD_BYTES = 72;
export const MAX_DISPLAY_NAME_LENGTH = 64;
