import type { ApiClient } from '../../../lib/api-client';

export interface Me {
  username: string;
  displayName: string;
  /** Admins manage every channel and approve sign-ups. */
  role?: 'admin' | 'user';
}

/** Checks the credentials the client carries and says whose they are. */
export function getMe(api: ApiClient, signal?: AbortSignal): Promise<Me> {
  return api.get<Me>('/api/me', {}, signal);
}
