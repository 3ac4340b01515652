import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { SignupRequests } from '../features/admin/components/SignupRequests';
import { useSignupRequests } from '../features/admin/api/signups';
import type { Session } from '../features/auth/hooks/useSession';
import { SignedInUser } from '../features/auth/components/SignedInUser';
import { ChannelActions } from '../features/channels/components/ChannelActions';
import { ChannelPreview } from '../features/channels/components/ChannelPreview';
import { ChannelSidebar } from '../features/channels/components/ChannelSidebar';
import { CreateChannelDialog } from '../features/channels/components/CreateChannelDialog';
import { MembersPanel } from '../features/channels/components/MembersPanel';
import { NewDmDialog } from '../features/channels/components/NewDmDialog';
import { useChannelActions, useChannels } from '../features/channels/hooks/useChannels';
import { useReadMarker } from '../features/channels/hooks/useReadMarker';
import { GENERAL, type Channel } from '../features/channels/types';
import { channelTitle } from '../features/channels/utils/channels';
import { MessagesPanel } from '../features/messages/components/MessagesPanel';
import { SearchBox } from '../features/search/components/SearchBox';
import { SearchPanel } from '../features/search/components/SearchPanel';
import type { SearchResult } from '../features/search/types';
import { useUsers } from '../features/users/api/get-users';
import { UserList } from '../features/users/components/UserList';
import { Dialog } from '../components/Dialog';
import styles from './ChatPage.module.css';
import { useHashChannel } from './useHashChannel';
import { useLiveUpdates } from './useLiveUpdates';

type OpenDialog = 'create-channel' | 'new-dm' | 'signups' | undefined;

/** Where the search results cover the channel (ChatPage.module.css): choosing one closes them. */
const RESULTS_COVER_CHANNEL = '(max-width: 960px)';

/** The admin-style layout: sidebar (channels, DMs, people, who is signed in) beside the open channel. */
export function ChatPage({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { api, me } = session;
  const isAdmin = me.role === 'admin';
  const users = useUsers(api);
  const channels = useChannels(api);
  const { join, leave } = useChannelActions(api);
  const signups = useSignupRequests(api, isAdmin);
  const [open, navigate] = useHashChannel();
  const [notice, setNotice] = useState<string>();
  const [dialog, setDialog] = useState<OpenDialog>();
  const [membersOpen, setMembersOpen] = useState(false);
  const [newest, setNewest] = useState<{ channel: string; id: number | undefined }>();
  const [menuOpen, setMenuOpen] = useState(false);
  /** The query of the open search results; `seq` makes searching again for the same words ask again. */
  const [search, setSearch] = useState<{ query: string; seq: number }>();
  /** The message a search result opened; it holds while its channel stays open. */
  const [focus, setFocus] = useState<{ channel: string; id: number; seq: number }>();
  const sidebarId = useId();
  const membersId = useId();
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const channelLinkRef = useRef<HTMLAnchorElement>(null);
  /** The channel this page is leaving itself: its `member-left` is no news to tell. */
  const leavingRef = useRef<string>(undefined);

  const displayNameOf = useCallback(
    (username: string) => users.data?.find((u) => u.username === username)?.displayName ?? username,
    [users.data],
  );
  const titleOf = useCallback(
    (channel: Pick<Channel, 'name' | 'kind' | 'members'>) =>
      channelTitle(channel, me.username, displayNameOf),
    [me.username, displayNameOf],
  );

  // Any other way to another channel (a link, the back button, being removed from it) ends the jump.
  if (focus && focus.channel !== open) setFocus(undefined);

  const channel = channels.data?.find((c) => c.name === open);
  // How to name a channel after the list forgot it (the user was removed from it).
  const titles = useRef(new Map<string, string>());
  useEffect(() => {
    if (channel) titles.current.set(channel.name, titleOf(channel));
  }, [channel, titleOf]);

  const onLeftOpenChannel = useCallback(
    (name: string) => {
      if (leavingRef.current !== name) {
        setNotice(`You were removed from ${titles.current.get(name) ?? `#${name}`}.`);
      }
      leavingRef.current = undefined;
      navigate(GENERAL);
    },
    [navigate],
  );
  const connection = useLiveUpdates({ api, channels: channels.data, open, onLeftOpenChannel });

  // A channel that is not in the list (a mistyped link, a private channel of someone else) opens general.
  useEffect(() => {
    if (!channels.data || channel || open === GENERAL || leavingRef.current === open) return;
    setNotice(`There is no channel #${open} that you can open.`);
    navigate(GENERAL);
  }, [channels.data, channel, open, navigate]);

  const member = channel ? channel.member : open === GENERAL;
  const onNewestMessage = useCallback((id: number | undefined) => setNewest({ channel: open, id }), [open]);
  useReadMarker(api, open, member, newest?.channel === open ? newest.id : undefined);

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

  const select = () => {
    setMenuOpen(false);
    setNotice(undefined);
    setFocus(undefined);
  };
  const openSearch = (query: string) => {
    setMenuOpen(false);
    setMembersOpen(false);
    setSearch((s) => ({ query, seq: (s?.seq ?? 0) + 1 }));
  };
  const openResult = ({ message, channel: found }: SearchResult) => {
    setMenuOpen(false);
    setNotice(undefined);
    setFocus((f) => ({ channel: found.name, id: message.id, seq: (f?.seq ?? 0) + 1 }));
    navigate(found.name);
    if (typeof window.matchMedia === 'function' && window.matchMedia(RESULTS_COVER_CHANNEL).matches) {
      setSearch(undefined);
    }
  };
  const openChannel = (next: Channel) => {
    setDialog(undefined);
    select();
    navigate(next.name);
  };
  const leaveOpenChannel = () => {
    leavingRef.current = open;
    leave.mutate(open, {
      onSuccess: () => {
        leavingRef.current = undefined;
        navigate(GENERAL);
      },
      onError: () => (leavingRef.current = undefined),
    });
  };

  const menuButton = (
    <button
      ref={menuButtonRef}
      type="button"
      className={styles.menuButton}
      aria-label="Channels and people"
      aria-expanded={menuOpen}
      aria-controls={sidebarId}
      onClick={() => setMenuOpen((o) => !o)}
    >
      <span aria-hidden="true">☰</span>
    </button>
  );

  const title = channel ? titleOf(channel) : `#${open}`;
  const pendingSignups = signups.data?.length ?? 0;

  return (
    <div
      className={styles.layout}
      data-members={membersOpen && channel !== undefined}
      data-search={search !== undefined}
    >
      <aside id={sidebarId} className={styles.sidebar} data-open={menuOpen} aria-label="Channels and people">
        <div className={styles.brand}>Chat</div>
        <SearchBox onSearch={openSearch} />
        <div className={styles.scroll}>
          {channels.isError ? (
            <p className={styles.muted}>Could not load the channels.</p>
          ) : (
            <ChannelSidebar
              channels={channels.data ?? []}
              open={open}
              me={me.username}
              displayNameOf={displayNameOf}
              onSelect={select}
              onCreateChannel={() => setDialog('create-channel')}
              onNewDm={() => setDialog('new-dm')}
              activeLinkRef={channelLinkRef}
            />
          )}
          <section aria-labelledby="people-heading" className={styles.section}>
            <h2 id="people-heading" className={styles.heading}>
              People
            </h2>
            {users.isError ? (
              <p className={styles.muted}>Could not load the people.</p>
            ) : (
              <UserList users={users.data ?? []} me={me.username} />
            )}
          </section>
        </div>
        {isAdmin && (
          <button type="button" className={styles.adminButton} onClick={() => setDialog('signups')}>
            Sign-up requests
            {pendingSignups > 0 && <span className={styles.count}> ({pendingSignups} waiting)</span>}
          </button>
        )}
        <SignedInUser me={me} onSignOut={onSignOut} />
      </aside>
      {menuOpen && <div className={styles.backdrop} onClick={() => setMenuOpen(false)} aria-hidden="true" />}
      {channel || open === GENERAL ? (
        <MessagesPanel
          key={`messages:${open}`}
          api={api}
          channel={open}
          title={title}
          topic={channel?.topic}
          member={member}
          connection={connection}
          displayNameOf={displayNameOf}
          navigation={menuButton}
          onNewestMessage={onNewestMessage}
          focus={focus?.channel === open ? focus : undefined}
          onShowNewest={() => setFocus(undefined)}
          actions={
            channel && (
              <ChannelActions
                channel={channel}
                membersOpen={membersOpen}
                membersPanelId={membersId}
                onToggleMembers={() => {
                  setMembersOpen((o) => !o);
                  setSearch(undefined);
                }}
                onLeave={leaveOpenChannel}
                leaving={leave.isPending}
              />
            )
          }
          notice={
            notice && (
              <div className={styles.notice} role="alert">
                <span>{notice}</span>
                <button type="button" onClick={() => setNotice(undefined)}>
                  Dismiss
                </button>
              </div>
            )
          }
          preview={
            <ChannelPreview
              title={title}
              joining={join.isPending}
              error={join.error}
              onJoin={() => join.mutate(open)}
            />
          }
        />
      ) : (
        <main className={styles.loading} aria-busy="true">
          {menuButton}
          <p>Loading the channel…</p>
        </main>
      )}
      {membersOpen && channel && (
        <MembersPanel
          key={`members:${channel.name}`}
          id={membersId}
          className={styles.members}
          api={api}
          channel={channel}
          me={me.username}
          appRole={me.role}
          people={users.data ?? []}
          displayNameOf={displayNameOf}
          onClose={() => setMembersOpen(false)}
        />
      )}
      {search && (
        <SearchPanel
          key={search.seq}
          className={styles.search}
          api={api}
          query={search.query}
          titleOf={titleOf}
          displayNameOf={displayNameOf}
          onOpen={openResult}
          onClose={() => setSearch(undefined)}
        />
      )}
      {dialog === 'create-channel' && (
        <CreateChannelDialog api={api} onCreated={openChannel} onClose={() => setDialog(undefined)} />
      )}
      {dialog === 'new-dm' && (
        <NewDmDialog
          api={api}
          me={me.username}
          people={users.data ?? []}
          onOpened={openChannel}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'signups' && (
        <Dialog title="Sign-up requests" onClose={() => setDialog(undefined)}>
          <SignupRequests api={api} />
        </Dialog>
      )}
    </div>
  );
}
