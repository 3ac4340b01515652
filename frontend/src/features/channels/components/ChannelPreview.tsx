import { describeApiError } from '../../../lib/errors';
import styles from './ChannelPreview.module.css';

interface ChannelPreviewProps {
  title: string;
  onJoin: () => void;
  joining: boolean;
  error: unknown;
}

/** In place of the composer while the user previews a public channel: posting needs membership. */
export function ChannelPreview({ title, onJoin, joining, error }: ChannelPreviewProps) {
  return (
    <div className={styles.preview}>
      <p className={styles.text}>You are previewing {title}. Join it to send messages.</p>
      <button type="button" className={styles.join} onClick={onJoin} disabled={joining}>
        {joining ? 'Joining…' : `Join ${title}`}
      </button>
      {error !== null && error !== undefined && (
        <p className={styles.error} role="alert">
          Could not join: {describeApiError(error)}
        </p>
      )}
    </div>
  );
}
