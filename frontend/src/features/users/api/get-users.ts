import { useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';

export interface User {
  username: string;
  displayName: string;
}

export function useUsers(api: ApiClient) {
  return useQuery({
    queryKey: ['users'],
    queryFn: async ({ signal }) => (await api.get<{ users: User[] }>('/api/users', {}, signal)).users,
    staleTime: 5 * 60_000,
  });
}
