import { useId, useState, type KeyboardEvent } from 'react';
import { checkDraft } from '../utils/draft';
import styles from './Composer.module.css';

/** The counter shows once this few code points are left. */
const COUNTER_FROM = 500;

interface ComposerProps {
  channel: string;
  onSend: (text: string) => void;
}

/** Enter sends, Shift+Enter starts a new line; the draft is cleared as soon as it is handed over. */
export function Composer({ channel, onSend }: ComposerProps) {
  const [text, setText] = useState('');
  const counterId = useId();
  const draft = checkDraft(text);

  const submit = () => {
    if (!draft.canSend) return;
    onSend(text);
    setText('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const characters = (n: number) => (n === 1 ? '1 character' : `${n} characters`);
  let counter = '';
  if (draft.tooLong) counter = `${characters(-draft.remaining)} over the limit`;
  else if (draft.remaining <= COUNTER_FROM) counter = `${characters(draft.remaining)} left`;

  return (
    <form
      className={styles.composer}
      aria-label="Send a message"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        className={styles.input}
        aria-label={`Message ${channel}`}
        aria-describedby={counterId}
        aria-invalid={draft.tooLong}
        placeholder={`Message ${channel}`}
        rows={1}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className={styles.actions}>
        <span id={counterId} className={draft.tooLong ? styles.over : styles.counter} aria-live="polite">
          {counter}
        </span>
        <button type="submit" className={styles.send} disabled={!draft.canSend}>
          Send
        </button>
      </div>
    </form>
  );
}
