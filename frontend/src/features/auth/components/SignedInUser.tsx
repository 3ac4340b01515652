import { Avatar } from '../../../components/Avatar';
import type { Me } from '../api/get-me';
import styles from './SignedInUser.module.css';

/** The sidebar's footer: who is signed in, and the way out. */
export function SignedInUser({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  return (
    <div className={styles.user}>
      <Avatar username={me.username} displayName={me.displayName} />
      <div className={styles.names}>
        <span className={styles.displayName}>{me.displayName}</span>
        <span className={styles.username}>@{me.username}</span>
      </div>
      <button type="button" className={styles.signOut} onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}
