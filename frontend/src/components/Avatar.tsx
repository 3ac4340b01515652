import { avatarColor, initialsOf } from '../utils/avatar';
import styles from './Avatar.module.css';

interface AvatarProps {
  username: string;
  displayName: string;
  size?: 'small' | 'medium';
}

/** Initials on a colour derived from the username; decorative, since the name is always written beside it. */
export function Avatar({ username, displayName, size = 'medium' }: AvatarProps) {
  return (
    <span
      className={`${styles.avatar} ${styles[size]}`}
      style={{ backgroundColor: avatarColor(username) }}
      aria-hidden="true"
    >
      {initialsOf(displayName || username)}
    </span>
  );
}
