import { useState, type FormEvent } from 'react';
import { MAX_QUERY_LENGTH } from '../types';
import styles from './SearchBox.module.css';

/** The sidebar's search field: Enter (or the button) searches the messages for what it holds. */
export function SearchBox({ onSearch }: { onSearch: (query: string) => void }) {
  const [query, setQuery] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = query.trim();
    if (trimmed) onSearch(trimmed);
  };

  return (
    <form role="search" className={styles.form} onSubmit={submit}>
      <input
        type="search"
        className={styles.input}
        aria-label="Search messages"
        placeholder="Search messages"
        maxLength={MAX_QUERY_LENGTH}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <button type="submit" className={styles.button}>
        Search
      </button>
    </form>
  );
}
