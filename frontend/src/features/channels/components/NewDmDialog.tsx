import { useMemo, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import form from '../../../components/Form.module.css';
import type { ApiClient } from '../../../lib/api-client';
import { describeApiError } from '../../../lib/errors';
import { useChannelActions } from '../hooks/useChannels';
import { MAX_DM_OTHERS, type Channel, type Person } from '../types';
import { sortPeople } from '../utils/channels';
import styles from './NewDmDialog.module.css';

interface NewDmDialogProps {
  api: ApiClient;
  me: string;
  people: readonly Person[];
  onOpened: (channel: Channel) => void;
  onClose: () => void;
}

/** Choose 1 to 7 people; the DM of exactly them and the user is found or created (`POST /api/dms`). */
export function NewDmDialog({ api, me, people, onOpened, onClose }: NewDmDialogProps) {
  const { dm } = useChannelActions(api);
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const others = useMemo(() => sortPeople(people.filter((p) => p.username !== me)), [people, me]);
  const needle = filter.trim().toLowerCase();
  const shown = others.filter(
    (p) =>
      chosen.includes(p.username) ||
      p.displayName.toLowerCase().includes(needle) ||
      p.username.includes(needle),
  );
  const full = chosen.length >= MAX_DM_OTHERS;

  const toggle = (username: string, on: boolean) =>
    setChosen((current) => (on ? [...current, username] : current.filter((u) => u !== username)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) return;
    dm.mutate(chosen, { onSuccess: (channel) => onOpened(channel) });
  };

  return (
    <Dialog title="New direct message" onClose={onClose}>
      <form className={form.form} onSubmit={submit}>
        <label className={form.field}>
          Find people
          <input
            type="search"
            autoComplete="off"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </label>
        <fieldset className={styles.people}>
          <legend className={form.hint}>
            Choose 1 to {MAX_DM_OTHERS} people ({chosen.length} chosen)
          </legend>
          {shown.length === 0 && <p className={form.hint}>Nobody by that name.</p>}
          {shown.map((person) => {
            const checked = chosen.includes(person.username);
            return (
              <label key={person.username} className={form.check}>
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && full}
                  onChange={(event) => toggle(person.username, event.target.checked)}
                />
                {person.displayName}
                <span className={form.hint}>@{person.username}</span>
              </label>
            );
          })}
        </fieldset>
        {dm.error && (
          <p className={form.error} role="alert">
            {describeApiError(dm.error)}
          </p>
        )}
        <div className={form.actions}>
          <button type="button" className={form.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={form.primary} disabled={chosen.length === 0 || dm.isPending}>
            {dm.isPending ? 'Opening…' : 'Open conversation'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
