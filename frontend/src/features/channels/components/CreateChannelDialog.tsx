import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import form from '../../../components/Form.module.css';
import type { ApiClient } from '../../../lib/api-client';
import { describeApiError } from '../../../lib/errors';
import { useChannelActions } from '../hooks/useChannels';
import { CHANNEL_NAME_PATTERN, MAX_TOPIC_LENGTH, type Channel } from '../types';

interface CreateChannelDialogProps {
  api: ApiClient;
  onCreated: (channel: Channel) => void;
  onClose: () => void;
}

const NAME = new RegExp(CHANNEL_NAME_PATTERN);

/** Why a name would be refused, or undefined when it is fine. */
export function checkChannelName(name: string): string | undefined {
  if (name === '') return 'Give the channel a name.';
  if (name.startsWith('dm-')) return 'Names starting with "dm-" are kept for direct messages.';
  if (!NAME.test(name)) {
    return 'Use at most 80 lowercase letters, digits, "-" and "_", starting with a letter or digit.';
  }
  return undefined;
}

/** Name (typed as people type it, kept as the server wants it), topic, and whether it is private. */
export function CreateChannelDialog({ api, onCreated, onClose }: CreateChannelDialogProps) {
  const { create } = useChannelActions(api);
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [problem, setProblem] = useState<string>();
  const hintId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const invalid = checkChannelName(name);
    setProblem(invalid);
    if (invalid) return;
    create.mutate(
      { name, topic: topic.trim(), private: isPrivate },
      { onSuccess: (channel) => onCreated(channel) },
    );
  };

  const error = problem ?? (create.error ? describeApiError(create.error) : undefined);

  return (
    <Dialog title="Create a channel" onClose={onClose}>
      <form className={form.form} onSubmit={submit} noValidate>
        <label className={form.field}>
          Name
          <input
            name="name"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={80}
            required
            aria-invalid={problem !== undefined}
            aria-describedby={hintId}
            value={name}
            onChange={(event) => setName(event.target.value.toLowerCase().replace(/\s/g, '-'))}
          />
        </label>
        <span id={hintId} className={form.hint}>
          Lowercase letters, digits, - and _
        </span>
        <label className={form.field}>
          Topic (optional)
          <input
            name="topic"
            autoComplete="off"
            maxLength={MAX_TOPIC_LENGTH}
            value={topic}
            onChange={(event) => setTopic(event.target.value)}
          />
        </label>
        <label className={form.check}>
          <input type="checkbox" checked={isPrivate} onChange={(event) => setPrivate(event.target.checked)} />
          Private: only people who are added can find and read it
        </label>
        {error && (
          <p className={form.error} role="alert">
            {error}
          </p>
        )}
        <div className={form.actions}>
          <button type="button" className={form.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={form.primary} disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
