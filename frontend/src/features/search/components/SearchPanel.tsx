import form from '../../../components/Form.module.css';
import type { ApiClient } from '../../../lib/api-client';
import { describeApiError } from '../../../lib/errors';
import { useSearch } from '../hooks/useSearch';
import type { FoundChannel, SearchResult } from '../types';
import { HighlightedText } from './HighlightedText';
import styles from './SearchPanel.module.css';
import { SidePanel } from '../../../components/SidePanel';

interface SearchPanelProps {
  api: ApiClient;
  className?: string;
  /** The query as submitted. */
  query: string;
  /** How the sidebar names a channel: `#design`, or a DM's other members. */
  titleOf: (channel: FoundChannel) => string;
  displayNameOf: (username: string) => string;
  /** A result was chosen: show its message in its channel. */
  onOpen: (result: SearchResult) => void;
  onClose: () => void;
}

function Time({ iso }: { iso: string }) {
  const date = new Date(iso);
  return (
    <time
      className={styles.time}
      dateTime={iso}
      title={date.toLocaleString(undefined, { dateStyle: 'full' })}
    >
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** The messages that match a query, newest first, a page at a time; choosing one opens it in its channel. */
export function SearchPanel(props: SearchPanelProps) {
  const { api, className, query, titleOf, displayNameOf, onOpen, onClose } = props;
  const search = useSearch(api, query);
  const results = search.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <SidePanel
      className={className}
      title="Search"
      label="Search results"
      closeLabel="Close search"
      onClose={onClose}
    >
      <p className={styles.query}>
        Results for <q>{query}</q>
      </p>
      {search.isPending && <p className={styles.muted}>Searching…</p>}
      {search.isSuccess && results.length === 0 && <p className={styles.muted}>No messages match.</p>}
      {results.length > 0 && (
        <ol className={styles.list}>
          {results.map((result) => (
            <li key={result.message.id}>
              <button type="button" className={styles.result} onClick={() => onOpen(result)}>
                <span className={styles.meta}>
                  <span className={styles.channel}>{titleOf(result.channel)}</span>
                  <span className={styles.author}>{displayNameOf(result.message.user)}</span>
                  <Time iso={result.message.createdAt} />
                </span>
                <HighlightedText
                  className={styles.text}
                  text={result.message.text}
                  highlights={result.highlights}
                />
              </button>
            </li>
          ))}
        </ol>
      )}
      {search.error && (
        <p className={form.error} role="alert">
          {describeApiError(search.error)}
        </p>
      )}
      {search.hasNextPage && (
        <button
          type="button"
          className={styles.more}
          disabled={search.isFetchingNextPage}
          onClick={() => void search.fetchNextPage()}
        >
          {search.isFetchingNextPage ? 'Loading more…' : 'Load more'}
        </button>
      )}
    </SidePanel>
  );
}
