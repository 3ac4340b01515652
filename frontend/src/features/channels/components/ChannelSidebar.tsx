import { useId, type Ref } from 'react';
import type { Channel } from '../types';
import { channelTitle } from '../utils/channels';
import styles from './ChannelSidebar.module.css';

interface ChannelSidebarProps {
  channels: readonly Channel[];
  /** The name of the open channel. */
  open: string;
  me: string;
  displayNameOf: (username: string) => string;
  /** A channel was chosen (the links themselves change the location's hash). */
  onSelect: () => void;
  onCreateChannel: () => void;
  onNewDm: () => void;
  /** The open channel's link, to move focus to when the sidebar opens over the page. */
  activeLinkRef?: Ref<HTMLAnchorElement>;
}

function Unread({ count }: { count: number | undefined }) {
  if (!count) return null;
  return (
    <>
      {' '}
      <span className={styles.badge}>
        {count > 99 ? '99+' : count} <span className="visually-hidden">unread</span>
      </span>
    </>
  );
}

/** Drawn rather than an emoji, which not every system has a font for. */
function LockIcon() {
  return (
    <svg className={styles.lock} viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
      <rect x="2" y="5.5" width="8" height="6" rx="1.2" fill="currentColor" />
      <path d="M4 5.5V4a2 2 0 0 1 4 0v1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}

function ChannelLink({
  channel,
  label,
  props,
}: {
  channel: Channel;
  label: string;
  props: ChannelSidebarProps;
}) {
  const current = channel.name === props.open;
  return (
    <li>
      <a
        ref={current ? props.activeLinkRef : undefined}
        className={styles.channel}
        href={`#${channel.name}`}
        aria-current={current ? 'page' : undefined}
        data-member={channel.member}
        data-unread={!current && !!channel.unread}
        title={channel.member ? undefined : 'Not joined yet: open it to preview and join'}
        onClick={props.onSelect}
      >
        <span className={styles.label}>
          {channel.kind === 'dm' ? (
            label
          ) : channel.private ? (
            <>
              <LockIcon />
              {channel.name} <span className="visually-hidden">(private)</span>
            </>
          ) : (
            `# ${channel.name}`
          )}
        </span>
        {!current && <Unread count={channel.unread} />}
      </a>
    </li>
  );
}

/** The channels and DMs the user can open, with their unread counts, and the ways to start new ones. */
export function ChannelSidebar(props: ChannelSidebarProps) {
  const { channels, me, displayNameOf } = props;
  const channelsHeading = useId();
  const dmsHeading = useId();
  const rooms = channels.filter((c) => c.kind !== 'dm');
  const dms = channels.filter((c) => c.kind === 'dm');

  return (
    <>
      <nav aria-labelledby={channelsHeading} className={styles.section}>
        <div className={styles.headingRow}>
          <h2 id={channelsHeading} className={styles.heading}>
            Channels
          </h2>
          <button
            type="button"
            className={styles.add}
            aria-label="Create a channel"
            onClick={props.onCreateChannel}
          >
            <span aria-hidden="true">+</span>
          </button>
        </div>
        <ul className={styles.list}>
          {rooms.map((channel) => (
            <ChannelLink key={channel.name} channel={channel} label={`#${channel.name}`} props={props} />
          ))}
        </ul>
      </nav>
      <nav aria-labelledby={dmsHeading} className={styles.section}>
        <div className={styles.headingRow}>
          <h2 id={dmsHeading} className={styles.heading}>
            Direct messages
          </h2>
          <button
            type="button"
            className={styles.add}
            aria-label="New direct message"
            onClick={props.onNewDm}
          >
            <span aria-hidden="true">+</span>
          </button>
        </div>
        {dms.length === 0 ? (
          <p className={styles.muted}>None yet</p>
        ) : (
          <ul className={styles.list}>
            {dms.map((channel) => (
              <ChannelLink
                key={channel.name}
                channel={channel}
                label={channelTitle(channel, me, displayNameOf)}
                props={props}
              />
            ))}
          </ul>
        )}
      </nav>
    </>
  );
}
