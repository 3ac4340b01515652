import type { ConnectionState } from '../api/live-updates';
import styles from './ConnectionStatus.module.css';

const LABELS: Record<ConnectionState, { label: string; hint: string }> = {
  connecting: { label: 'Connecting…', hint: 'Connecting to the server' },
  live: { label: 'Live', hint: 'New messages appear as they are sent' },
  reconnecting: { label: 'Reconnecting…', hint: 'Lost the connection; trying again' },
  offline: { label: 'Offline', hint: 'Cannot reach the server; still trying' },
};

export function ConnectionStatus({ state }: { state: ConnectionState }) {
  const { label, hint } = LABELS[state];
  return (
    <span role="status" className={styles.status} data-state={state} title={hint}>
      <span className={styles.dot} aria-hidden="true" />
      {label}
    </span>
  );
}
