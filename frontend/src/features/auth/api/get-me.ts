import type { ApiClient } from '../../../lib/api-client';

export interface Me {
  username: string;
  displayName: string;
}

/** Checks the credentials the client carries and says whose they are. */
export function getMe(api: ApiClient, signal?: AbortSignal): Promise<Me> {
  return api.get<Me>('/api/me', {}, signal);
}
