import type { Channel } from '../types';
import { canLeave } from '../utils/channels';
import styles from './ChannelActions.module.css';

interface ChannelActionsProps {
  channel: Channel;
  membersOpen: boolean;
  membersPanelId: string;
  onToggleMembers: () => void;
  onLeave: () => void;
  leaving: boolean;
}

/** The open channel's header buttons: its member list, and leaving it. */
export function ChannelActions(props: ChannelActionsProps) {
  const { channel } = props;
  return (
    <div className={styles.actions}>
      <button
        type="button"
        className={styles.button}
        aria-expanded={props.membersOpen}
        aria-controls={props.membersOpen ? props.membersPanelId : undefined}
        onClick={props.onToggleMembers}
      >
        Members
      </button>
      {canLeave(channel) && (
        <button type="button" className={styles.button} onClick={props.onLeave} disabled={props.leaving}>
          {props.leaving ? 'Leaving…' : 'Leave'}
        </button>
      )}
    </div>
  );
}
