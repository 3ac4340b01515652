import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Session } from '../features/auth/hooks/useSession';
import { SignedInUser } from '../features/auth/components/SignedInUser';
import { MessagesPanel } from '../features/messages/components/MessagesPanel';
import { useUsers } from '../features/users/api/get-users';
import { UserList } from '../features/users/components/UserList';
import styles from './ChatPage.module.css';

/** The admin-style layout: sidebar (channel, people, who is signed in) beside the channel. */
export function ChatPage({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { api, me } = session;
  const users = useUsers(api);
  const [menuOpen, setMenuOpen] = useState(false);
  const sidebarId = useId();
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const channelLinkRef = useRef<HTMLAnchorElement>(null);

  const displayNameOf = useCallback(
    (username: string) => users.data?.find((u) => u.username === username)?.displayName ?? username,
    [users.data],
  );

  // On narrow screens the sidebar opens over the channel: move focus into it, and back to the button on Escape.
  useEffect(() => {
    if (!menuOpen) return;
    channelLinkRef.current?.focus();
    const close = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButtonRef.current?.focus();
    };
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [menuOpen]);

  const menuButton = (
    <button
      ref={menuButtonRef}
      type="button"
      className={styles.menuButton}
      aria-label="Channels and people"
      aria-expanded={menuOpen}
      aria-controls={sidebarId}
      onClick={() => setMenuOpen((open) => !open)}
    >
      <span aria-hidden="true">☰</span>
    </button>
  );

  return (
    <div className={styles.layout}>
      <aside id={sidebarId} className={styles.sidebar} data-open={menuOpen} aria-label="Channels and people">
        <div className={styles.brand}>Chat</div>
        <nav aria-labelledby="channels-heading" className={styles.section}>
          <h2 id="channels-heading" className={styles.heading}>
            Channels
          </h2>
          <a
            ref={channelLinkRef}
            className={styles.channel}
            href="#general"
            aria-current="page"
            onClick={() => setMenuOpen(false)}
          >
            # general
          </a>
        </nav>
        <section aria-labelledby="people-heading" className={`${styles.section} ${styles.people}`}>
          <h2 id="people-heading" className={styles.heading}>
            People
          </h2>
          {users.isError ? (
            <p className={styles.muted}>Could not load the people.</p>
          ) : (
            <UserList users={users.data ?? []} me={me.username} />
          )}
        </section>
        <SignedInUser me={me} onSignOut={onSignOut} />
      </aside>
      {menuOpen && <div className={styles.backdrop} onClick={() => setMenuOpen(false)} aria-hidden="true" />}
      <MessagesPanel api={api} displayNameOf={displayNameOf} navigation={menuButton} />
    </div>
  );
}
