import type { ApiClient } from '../../../lib/api-client';
import { SEARCH_PAGE_SIZE, type SearchPage } from '../types';

export const searchQueryKey = (query: string) => ['search', query] as const;

/** One page of results for `query`, newest first; `before` (a result's id) asks for the page after it. */
export function searchMessages(
  api: ApiClient,
  query: string,
  before?: number,
  signal?: AbortSignal,
): Promise<SearchPage> {
  return api.get<SearchPage>('/api/search', { q: query, limit: SEARCH_PAGE_SIZE, before }, signal);
}
