import { Avatar } from '../../../components/Avatar';
import type { User } from '../api/get-users';
import styles from './UserList.module.css';

/** Everyone who can sign in to this server. */
export function UserList({ users, me }: { users: readonly User[]; me: string }) {
  return (
    <ul className={styles.list}>
      {users.map((user) => (
        <li key={user.username} className={styles.user} title={`@${user.username}`}>
          <Avatar username={user.username} displayName={user.displayName} size="small" />
          <span className={styles.name}>{user.displayName}</span>
          {user.username === me && <span className={styles.you}>(you)</span>}
        </li>
      ))}
    </ul>
  );
}
