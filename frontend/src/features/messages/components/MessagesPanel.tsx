import { useMemo, type ReactNode } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import { useMessageFeed } from '../hooks/useMessageFeed';
import { useOutbox } from '../hooks/useOutbox';
import { Composer } from './Composer';
import { ConnectionStatus } from './ConnectionStatus';
import { MessageList } from './MessageList';
import styles from './MessagesPanel.module.css';

const CHANNEL = '#general';

interface MessagesPanelProps {
  api: ApiClient;
  displayNameOf: (username: string) => string;
  /** Shown before the channel name (the menu button on narrow screens). */
  navigation?: ReactNode;
}

/** The channel: header with its retention rule and connection state, the messages, and the composer. */
export function MessagesPanel({ api, displayNameOf, navigation }: MessagesPanelProps) {
  const feed = useMessageFeed(api);
  const { outbox, send, retry, discard } = useOutbox(api, feed.addMessages);
  const me = api.username;

  // A send whose answer was lost may already be back through the live feed: show it once.
  const pending = useMemo(() => {
    const delivered = new Set(feed.messages.filter((m) => m.user === me).map((m) => m.clientMsgId));
    return outbox.filter((item) => !delivered.has(item.clientMsgId));
  }, [feed.messages, outbox, me]);

  return (
    <main className={styles.panel} aria-labelledby="channel-name">
      <header className={styles.header}>
        {navigation}
        <div className={styles.title}>
          <h1 id="channel-name" className={styles.name}>
            {CHANNEL}
          </h1>
          <p className={styles.retention}>last 1000 messages, kept 1 hour</p>
        </div>
        <ConnectionStatus state={feed.connection} />
      </header>
      {feed.status === 'pending' && <p className={styles.notice}>Loading messages…</p>}
      {feed.status === 'error' && (
        <div className={styles.notice} role="alert">
          <p>Could not load messages: {feed.error?.message}</p>
          <button type="button" onClick={() => void feed.retry()}>
            Try again
          </button>
        </div>
      )}
      {feed.status === 'success' && (
        <MessageList
          channel={CHANNEL}
          messages={feed.messages}
          outbox={pending}
          me={me}
          displayNameOf={displayNameOf}
          hasOlder={feed.hasOlder}
          loadingOlder={feed.loadingOlder}
          loadOlderFailed={feed.loadOlderError !== null}
          onLoadOlder={feed.loadOlder}
          onRetry={retry}
          onDiscard={discard}
        />
      )}
      <Composer channel={CHANNEL} onSend={send} />
    </main>
  );
}
