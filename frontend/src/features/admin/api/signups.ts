import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';

export interface SignupRequest {
  username: string;
  displayName: string;
  requestedAt: string;
}

export const signupsQueryKey = ['admin', 'signups'] as const;

/** Pending sign-ups, oldest first; for admins only (anyone else gets 403, so the query is not even made). */
export function useSignupRequests(api: ApiClient, enabled: boolean) {
  return useQuery({
    queryKey: signupsQueryKey,
    queryFn: async ({ signal }) =>
      (await api.get<{ signups: SignupRequest[] }>('/api/admin/signups', {}, signal)).signups,
    enabled,
    // Nothing announces a new request live; an admin sees it within a minute.
    refetchInterval: 60_000,
  });
}

const signupPath = (username: string) => `/api/admin/signups/${encodeURIComponent(username)}`;

export function useSignupDecisions(api: ApiClient) {
  const queryClient = useQueryClient();
  const settled = () => queryClient.invalidateQueries({ queryKey: signupsQueryKey });
  const approve = useMutation({
    mutationFn: (username: string) => api.post<unknown>(`${signupPath(username)}/approve`, {}),
    onSettled: settled,
  });
  const reject = useMutation({
    mutationFn: (username: string) => api.post<void>(`${signupPath(username)}/reject`, {}),
    onSettled: settled,
  });
  return { approve, reject };
}
