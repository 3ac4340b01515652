import { useLayoutEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { Avatar } from '../../../components/Avatar';
import type { Message, OutgoingMessage } from '../types';
import { dayLabel, formatFullDate, formatTime, groupMessages } from '../utils/group';
import { MessageText } from './MessageText';
import styles from './MessageList.module.css';

/** Within this many pixels of the end the list counts as "at the bottom" and follows new messages. */
const BOTTOM_SLACK = 48;
/** Scrolling this close to the top loads the next older page. */
const LOAD_OLDER_AT = 150;

interface MessageListProps {
  channel: string;
  messages: readonly Message[];
  outbox: readonly OutgoingMessage[];
  me: string;
  displayNameOf: (username: string) => string;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlderFailed: boolean;
  onLoadOlder: () => void;
  onRetry: (message: OutgoingMessage) => void;
  onDiscard: (clientMsgId: string) => void;
  /** The message the list opens at (a search result): scrolled to and marked. */
  focusId?: number;
  /** Newer messages exist after the last one shown (a window opened at an older message). */
  hasNewer?: boolean;
  /** Leaves such a window for the newest messages. */
  onShowNewest?: () => void;
}

function Time({ iso, className }: { iso: string; className?: string }) {
  const date = new Date(iso);
  return (
    <time className={className} dateTime={iso} title={formatFullDate(date)}>
      {formatTime(date)}
    </time>
  );
}

export function MessageList(props: MessageListProps) {
  const { messages, outbox, me, displayNameOf, hasOlder, loadingOlder, onLoadOlder, focusId } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const previous = useRef({ firstId: -1, lastId: -1, scrollHeight: 0, outbox: 0 });
  const [atBottom, setAtBottom] = useState(true);
  const [seenUpTo, setSeenUpTo] = useState(() => messages.at(-1)?.id ?? 0);
  const sections = useMemo(() => groupMessages(messages), [messages]);
  const lastId = messages.at(-1)?.id ?? 0;

  // After each change: keep the reader's place when older messages arrive above, follow new ones at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = previous.current;
    const firstId = messages[0]?.id ?? -1;
    const focused =
      prev.lastId === -1 && focusId !== undefined
        ? el.querySelector<HTMLElement>(`[data-message-id="${focusId}"]`)
        : null;
    if (focused) {
      // Opened at a message: it goes to the middle, and the list follows new messages once scrolled down.
      const offset = focused.getBoundingClientRect().top - el.getBoundingClientRect().top;
      el.scrollTop += offset - (el.clientHeight - focused.offsetHeight) / 2;
      atBottomRef.current = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    } else {
      if (prev.firstId !== -1 && firstId < prev.firstId) el.scrollTop += el.scrollHeight - prev.scrollHeight;
      const sentByMe =
        outbox.length > prev.outbox ||
        messages.some((m) => m.id > prev.lastId && m.user === me && prev.lastId !== -1);
      if (atBottomRef.current || sentByMe) {
        el.scrollTop = el.scrollHeight;
        atBottomRef.current = true;
      }
    }
    previous.current = {
      firstId,
      lastId: messages.at(-1)?.id ?? -1,
      scrollHeight: el.scrollHeight,
      outbox: outbox.length,
    };
    // A first page too short to scroll could never trigger the scroll-up load.
    if (el.scrollHeight <= el.clientHeight && hasOlder && !loadingOlder) onLoadOlder();
  }, [messages, outbox, me, hasOlder, loadingOlder, onLoadOlder, focusId]);

  // Stay at the bottom when the list itself changes size (window resized, on-screen keyboard).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottomRef.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    const nowAtBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    // Everything that arrived while the reader was at the bottom has been seen.
    if (nowAtBottom || atBottomRef.current) setSeenUpTo(lastId);
    atBottomRef.current = nowAtBottom;
    setAtBottom(nowAtBottom);
    if (el.scrollTop < LOAD_OLDER_AT && hasOlder && !loadingOlder) onLoadOlder();
  };

  const jumpToBottom = () => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  const unseen = atBottom ? 0 : messages.filter((m) => m.id > seenUpTo && m.user !== me).length;
  /** Finds a message to scroll to, and marks the one the list was opened at. */
  const anchor = (id: number) => ({
    'data-message-id': id,
    'aria-current': id === focusId ? ('true' as const) : undefined,
  });

  return (
    <div className={styles.wrapper}>
      <div
        ref={scroller}
        className={styles.scroller}
        role="log"
        aria-label={`Messages in ${props.channel}`}
        tabIndex={0}
        onScroll={onScroll}
      >
        <div className={styles.top}>
          {hasOlder ? (
            <button type="button" className={styles.older} onClick={onLoadOlder} disabled={loadingOlder}>
              {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
            </button>
          ) : (
            <p className={styles.beginning}>
              This is the start of {props.channel}. Only the last 1000 messages are kept, for 1 hour.
            </p>
          )}
          {props.loadOlderFailed && !loadingOlder && (
            <p className={styles.error} role="alert">
              Could not load older messages.
            </p>
          )}
        </div>
        {sections.map((section) => (
          <section key={section.day} aria-label={dayLabel(section.date)}>
            <h2 className={styles.day}>
              <span>{dayLabel(section.date)}</span>
            </h2>
            {section.groups.map((group) => {
              const name = displayNameOf(group.user);
              const [first, ...rest] = group.messages;
              return (
                <article key={group.key} className={styles.group} aria-label={`Messages from ${name}`}>
                  <Avatar username={group.user} displayName={name} />
                  <div className={styles.body}>
                    <div className={styles.header}>
                      <span className={styles.author}>{name}</span>
                      {first && <Time iso={first.createdAt} className={styles.time} />}
                    </div>
                    {first && (
                      <div className={styles.message} {...anchor(first.id)}>
                        <MessageText className={styles.text} text={first.text} />
                      </div>
                    )}
                    {rest.map((message) => (
                      <div
                        key={message.id}
                        className={`${styles.message} ${styles.followUp}`}
                        {...anchor(message.id)}
                      >
                        <Time iso={message.createdAt} className={styles.gutterTime} />
                        <MessageText className={styles.text} text={message.text} />
                      </div>
                    ))}
                  </div>
                </article>
              );
            })}
          </section>
        ))}
        {props.hasNewer && (
          <div className={styles.bottom}>
            <button type="button" className={styles.older} onClick={props.onShowNewest}>
              Show the newest messages
            </button>
          </div>
        )}
        {outbox.length > 0 && (
          <section aria-label="Your unsent messages" className={styles.group}>
            <Avatar username={me} displayName={displayNameOf(me)} />
            <div className={styles.body}>
              <div className={styles.header}>
                <span className={styles.author}>{displayNameOf(me)}</span>
              </div>
              {outbox.map((item) => (
                <div key={item.clientMsgId} className={styles.outgoing} data-status={item.status}>
                  <MessageText className={styles.text} text={item.text} />
                  {item.status === 'sending' ? (
                    <span className={styles.sending}>Sending…</span>
                  ) : (
                    <div className={styles.failed} role="alert">
                      <span>Not sent: {item.error}</span>
                      <button type="button" onClick={() => props.onRetry(item)}>
                        Retry
                      </button>
                      <button type="button" onClick={() => props.onDiscard(item.clientMsgId)}>
                        Discard
                      </button>
                    </div>
                  )}
                </div>
              ))}
            </div>
          </section>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className={styles.pill} onClick={jumpToBottom}>
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
    </div>
  );
}
