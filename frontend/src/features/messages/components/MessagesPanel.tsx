import { useEffect, useMemo, type ReactNode } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import type { ConnectionState } from '../api/live-updates';
import { useMessageFeed } from '../hooks/useMessageFeed';
import { useOutbox } from '../hooks/useOutbox';
import { DEFAULT_CHANNEL } from '../types';
import { Composer } from './Composer';
import { ConnectionStatus } from './ConnectionStatus';
import { MessageList } from './MessageList';
import styles from './MessagesPanel.module.css';

interface MessagesPanelProps {
  api: ApiClient;
  /** The channel's name (`general`, `design`, `dm-…`). */
  channel?: string;
  /** How people know it: `#design`, or a DM's member names. */
  title?: string;
  topic?: string;
  /** Members read it live through the app's stream and can post; others preview a public channel. */
  member?: boolean;
  /** The state of the app's one live stream. */
  connection: ConnectionState;
  displayNameOf: (username: string) => string;
  /** Shown before the channel name (the menu button on narrow screens). */
  navigation?: ReactNode;
  /** Header buttons (members, leave). */
  actions?: ReactNode;
  /** Said above the messages (e.g. why the page switched channels). */
  notice?: ReactNode;
  /** In place of the composer for someone who is not a member (the join button). */
  preview?: ReactNode;
  /** Hears the newest message's id whenever it changes (read markers). */
  onNewestMessage?: (id: number | undefined) => void;
  /**
   * Opens the channel at this message, with the messages around it, and marks it (a search result). `seq` tells
   * a second jump to the same message from the first, so that it scrolls there again.
   */
  focus?: { id: number; seq: number };
  /** Leaves the message in `focus` for the channel's newest messages. */
  onShowNewest?: () => void;
}

/** A channel: header with its topic, retention rule and connection state, the messages, and the composer. */
export function MessagesPanel(props: MessagesPanelProps) {
  const { api, channel = DEFAULT_CHANNEL, member = true, displayNameOf, onNewestMessage, focus } = props;
  const title = props.title ?? `#${channel}`;
  const feed = useMessageFeed(api, channel, { live: member ? 'stream' : 'poll', around: focus?.id });
  const { outbox, send, retry, discard } = useOutbox(api, channel, feed.addMessages);
  // What is sent goes after the newest message: show those, or it would not be seen.
  const sendAndShow = (text: string) => {
    if (feed.hasNewer) props.onShowNewest?.();
    send(text);
  };
  const focusGone =
    focus !== undefined && feed.status === 'success' && !feed.messages.some((m) => m.id === focus.id);
  const me = api.username;

  // A send whose answer was lost may already be back through the live feed: show it once.
  const pending = useMemo(() => {
    const delivered = new Set(feed.messages.filter((m) => m.user === me).map((m) => m.clientMsgId));
    return outbox.filter((item) => !delivered.has(item.clientMsgId));
  }, [feed.messages, outbox, me]);

  const newestId = feed.messages.at(-1)?.id;
  useEffect(() => onNewestMessage?.(newestId), [newestId, onNewestMessage]);

  return (
    <main className={styles.panel} aria-labelledby="channel-name">
      <header className={styles.header}>
        {props.navigation}
        <div className={styles.title}>
          <h1 id="channel-name" className={styles.name}>
            {title}
          </h1>
          {props.topic && <p className={styles.topic}>{props.topic}</p>}
          <p className={styles.retention}>last 1000 messages, kept 1 hour</p>
        </div>
        {props.actions}
        <ConnectionStatus state={props.connection} />
      </header>
      {props.notice}
      {feed.status === 'pending' && <p className={styles.notice}>Loading messages…</p>}
      {feed.status === 'error' && (
        <div className={styles.notice} role="alert">
          <p>Could not load messages: {feed.error?.message}</p>
          <button type="button" onClick={() => void feed.retry()}>
            Try again
          </button>
        </div>
      )}
      {focusGone && <p className={styles.gone}>That message is no longer kept.</p>}
      {feed.status === 'success' && (
        <MessageList
          key={focus ? `${focus.id}:${focus.seq}` : 'newest'}
          channel={title}
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
          focusId={focus?.id}
          hasNewer={feed.hasNewer}
          onShowNewest={props.onShowNewest}
        />
      )}
      {member ? <Composer channel={title} onSend={sendAndShow} /> : props.preview}
    </main>
  );
}
