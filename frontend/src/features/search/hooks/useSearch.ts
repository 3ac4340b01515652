import { useInfiniteQuery } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { searchMessages, searchQueryKey } from '../api/search';

/** The results of a query, a page at a time: `fetchNextPage` asks for those older than the last one shown. */
export function useSearch(api: ApiClient, query: string) {
  return useInfiniteQuery({
    queryKey: searchQueryKey(query),
    queryFn: ({ pageParam, signal }) => searchMessages(api, query, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.hasMore ? last.results.at(-1)?.message.id : undefined),
  });
}
