import { useState, type FormEvent } from 'react';
import { Avatar } from '../../../components/Avatar';
import form from '../../../components/Form.module.css';
import type { ApiClient } from '../../../lib/api-client';
import { describeApiError } from '../../../lib/errors';
import { useChannelActions, useChannelMembers } from '../hooks/useChannels';
import type { Channel, Person } from '../types';
import { canManageMembers, channelTitle, sortPeople } from '../utils/channels';
import styles from './MembersPanel.module.css';
import { SidePanel } from '../../../components/SidePanel';

interface MembersPanelProps {
  api: ApiClient;
  id?: string;
  className?: string;
  channel: Channel;
  me: string;
  /** The user's role on the server (`GET /api/me`): admins manage every channel. */
  appRole: string | undefined;
  people: readonly Person[];
  displayNameOf: (username: string) => string;
  onClose: () => void;
}

/** Who is in the open channel; its owners and admins add and remove people here. */
export function MembersPanel(props: MembersPanelProps) {
  const { api, id, className, channel, me, appRole, people, displayNameOf, onClose } = props;
  const members = useChannelMembers(api, channel.name, true);
  const { add, remove } = useChannelActions(api);
  const [chosen, setChosen] = useState('');
  const manage = canManageMembers(channel, appRole);
  const title = channelTitle(channel, me, displayNameOf);
  const memberNames = new Set(members.data?.map((m) => m.username));
  const candidates = sortPeople(people.filter((p) => !memberNames.has(p.username)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    add.mutate({ channel: channel.name, username: chosen }, { onSuccess: () => setChosen('') });
  };

  const failure = add.error ?? remove.error;

  return (
    <SidePanel
      id={id}
      className={className}
      title="Members"
      label={`Members of ${title}`}
      closeLabel="Close members"
      onClose={onClose}
    >
      {members.isPending && <p className={styles.muted}>Loading members…</p>}
      {members.isError && (
        <p className={form.error} role="alert">
          Could not load the members: {describeApiError(members.error)}
        </p>
      )}
      {members.data && (
        <ul className={styles.list} aria-label="Members">
          {members.data.map((member) => (
            <li key={member.username} className={styles.member}>
              <Avatar username={member.username} displayName={member.displayName} size="small" />
              <span className={styles.name} title={`@${member.username}`}>
                {member.displayName}
                {member.username === me && <span className={styles.muted}> (you)</span>}
              </span>
              {member.role === 'owner' && <span className={styles.role}>owner</span>}
              {manage && member.username !== me && (
                <button
                  type="button"
                  className={styles.remove}
                  aria-label={`Remove ${member.displayName}`}
                  disabled={remove.isPending}
                  onClick={() => remove.mutate({ channel: channel.name, username: member.username })}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {manage && members.data && (
        <form className={styles.add} onSubmit={submit} aria-label="Add a member">
          <label className={form.field}>
            Add a person
            <select value={chosen} onChange={(event) => setChosen(event.target.value)}>
              <option value="">Choose…</option>
              {candidates.map((person) => (
                <option key={person.username} value={person.username}>
                  {person.displayName} (@{person.username})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className={form.primary} disabled={!chosen || add.isPending}>
            Add
          </button>
        </form>
      )}
      {failure && (
        <p className={form.error} role="alert">
          {describeApiError(failure)}
        </p>
      )}
    </SidePanel>
  );
}
